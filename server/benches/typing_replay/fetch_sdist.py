"""Downloads one pinned sdist from PyPI's simple index, checks its sha256 and extracts it.
Usage: fetch_sdist.py NAME VERSION SHA256 DEST. Run by the typing_replay benchmark."""

import hashlib
import io
import re
import sys
import tarfile
import urllib.parse
import urllib.request

name, version, sha256, dest = sys.argv[1:5]
index_url = f"https://pypi.org/simple/{name}/"
index = urllib.request.urlopen(index_url, timeout=60).read().decode()
# sdist names are either the project name as written or normalised with underscores.
wanted = {f"{name}-{version}.tar.gz", f"{name.replace('-', '_')}-{version}.tar.gz"}
url = None
for href in re.findall(r'href="([^"]+)"', index):
    link = href.split("#")[0]
    if link.rsplit("/", 1)[-1] in wanted:
        url = urllib.parse.urljoin(index_url, link)
if url is None:
    sys.exit(f"no sdist of {name} {version} on {index_url}")
data = urllib.request.urlopen(url, timeout=300).read()
got = hashlib.sha256(data).hexdigest()
if got != sha256:
    sys.exit(f"sha256 of {url} is {got}, expected {sha256}")
with tarfile.open(fileobj=io.BytesIO(data)) as archive:
    archive.extractall(dest, filter="data")
