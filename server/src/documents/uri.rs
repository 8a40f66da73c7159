//! `file:` URIs to filesystem paths.

use std::path::PathBuf;

use percent_encoding::percent_decode_str;

/// The local path a `file:` URI names (percent-decoded); `None` for other schemes (`untitled:`,
/// `vscode-notebook-cell:`, ...) and for files on another host.
pub fn path_from_uri(uri: &str) -> Option<PathBuf> {
    // URI schemes are case-insensitive (RFC 3986 §3.1).
    let scheme_end = uri.find(':')?;
    if !uri[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = &uri[scheme_end + 1..];
    // A real `?` or `#` in a file name arrives percent-encoded, so these delimit query and fragment.
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let path = match rest.strip_prefix("//") {
        Some(with_authority) => {
            let slash = with_authority.find('/').unwrap_or(with_authority.len());
            let host = &with_authority[..slash];
            if !host.is_empty() && !host.eq_ignore_ascii_case("localhost") {
                return None;
            }
            &with_authority[slash..]
        }
        // `file:/tmp/a.rs`, the authority-less form some clients send.
        None => rest,
    };
    if !path.starts_with('/') {
        return None;
    }
    decode_path(path)
}

#[cfg(unix)]
fn decode_path(path: &str) -> Option<PathBuf> {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    // Unix file names are bytes; keep non-UTF-8 names intact instead of refusing them.
    let bytes: Vec<u8> = percent_decode_str(path).collect();
    Some(PathBuf::from(OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn decode_path(path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    // `/C:/src/a.rs` names `C:/src/a.rs` on Windows.
    let bytes = decoded.as_bytes();
    let drive = bytes.len() >= 3 && bytes[2] == b':' && bytes[1].is_ascii_alphabetic();
    let trimmed = if drive { &decoded[1..] } else { &decoded[..] };
    Some(PathBuf::from(trimmed.replace('/', "\\")))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn file_uris_become_decoded_paths() {
        let cases: &[(&str, Option<&str>)] = &[
            ("file:///home/me/src/main.rs", Some("/home/me/src/main.rs")),
            (
                "file:///home/me/my%20project/a.rs",
                Some("/home/me/my project/a.rs"),
            ),
            ("file:///tmp/%E6%97%A5%E6%9C%AC.py", Some("/tmp/日本.py")),
            ("file:///tmp/already/日本.py", Some("/tmp/already/日本.py")),
            ("file:///tmp/a%23b%3Fc.rs", Some("/tmp/a#b?c.rs")),
            ("file:///tmp/a.rs#L10", Some("/tmp/a.rs")),
            ("file:///tmp/a.rs?query", Some("/tmp/a.rs")),
            ("file://localhost/etc/x.c", Some("/etc/x.c")),
            ("FILE:///tmp/x.go", Some("/tmp/x.go")),
            ("file:/tmp/short.rs", Some("/tmp/short.rs")),
            ("file:///tmp/100%25.txt", Some("/tmp/100%.txt")),
            ("file://server/share/a.rs", None),
            ("file:relative/a.rs", None),
            ("untitled:Untitled-1", None),
            ("vscode-notebook-cell:/a.ipynb#W0", None),
            ("https://example.com/a.rs", None),
            ("no scheme at all", None),
        ];
        for (uri, expected) in cases {
            assert_eq!(
                path_from_uri(uri),
                expected.map(PathBuf::from),
                "path_from_uri({uri:?})"
            );
        }
    }

    #[test]
    fn non_utf8_file_names_survive() {
        use std::os::unix::ffi::OsStrExt;
        let path = path_from_uri("file:///tmp/caf%E9.txt");
        assert_eq!(
            path.as_deref().map(|p| p.as_os_str().as_bytes()),
            Some(&b"/tmp/caf\xe9.txt"[..])
        );
    }
}
