#!/usr/bin/env python3
"""Markdown tables from `tandem eval` RUN.json files: overall and per language for each
model x context, with 95% bootstrap intervals, and exact match of repo context relative to
file-only context (the target of issue 3). Usage: table.py RUN.json..."""

import json
import sys

SCORES = ["exact", "edit_sim", "first_line_exact", "line_recall"]
CONTEXT_ORDER = {"none": 0, "file": 1, "repo": 2}


def interval(group, name):
    value = (group or {}).get(name)
    if not value:
        return "–"
    return f"{value['mean']:.3f} [{value['ci_low']:.3f}, {value['ci_high']:.3f}]"


def load(path):
    with open(path, encoding="utf-8") as f:
        run = json.load(f)
    config = run.get("config", {})
    summary = run.get("summary", {})
    return {
        "path": path,
        "model": config.get("managed_model") or config.get("model") or "?",
        "context": config.get("context_mode", "?"),
        # Older or foreign reports may keep the scores at the top of `summary`.
        "overall": summary.get("overall", summary),
        "by_language": summary.get("by_language", {}),
    }


def count(group):
    scored = group.get("scored")
    tasks = group.get("tasks")
    if scored is None:
        return "?"
    return f"{scored}/{tasks}" if tasks not in (None, scored) else str(scored)


def main(paths):
    runs = sorted(
        (load(p) for p in paths),
        key=lambda r: (r["model"], CONTEXT_ORDER.get(r["context"], 9), r["context"]),
    )
    if not runs:
        print("table.py: no RUN.json files given", file=sys.stderr)
        return 2
    header = "| model | context | tasks | " + " | ".join(SCORES) + " |"
    rule = "|" + "---|" * (3 + len(SCORES))
    print("### All languages\n")
    print(header)
    print(rule)
    for r in runs:
        cells = [interval(r["overall"], s) for s in SCORES]
        print(f"| {r['model']} | {r['context']} | {count(r['overall'])} | " + " | ".join(cells) + " |")

    print("\n### Per language\n")
    print("| model | context | language | tasks | " + " | ".join(SCORES) + " |")
    print("|" + "---|" * (4 + len(SCORES)))
    for r in runs:
        for language, group in sorted(r["by_language"].items()):
            cells = [interval(group, s) for s in SCORES]
            print(f"| {r['model']} | {r['context']} | {language} | {count(group)} | " + " | ".join(cells) + " |")

    by_key = {(r["model"], r["context"]): r for r in runs}
    pairs = [
        (model, by_key[(model, "file")], by_key[(model, "repo")])
        for model in sorted({r["model"] for r in runs})
        if (model, "file") in by_key and (model, "repo") in by_key
    ]
    if pairs:
        print("\n### Exact match, repo context relative to file context\n")
        print("| model | language | file | repo | change |")
        print("|---|---|---|---|---|")
    for model, file_run, repo_run in pairs:
        groups = [("all", file_run["overall"], repo_run["overall"])]
        for language in sorted(set(file_run["by_language"]) | set(repo_run["by_language"])):
            groups.append(
                (language, file_run["by_language"].get(language), repo_run["by_language"].get(language))
            )
        for language, f, r in groups:
            fe = ((f or {}).get("exact") or {}).get("mean")
            re_ = ((r or {}).get("exact") or {}).get("mean")
            if fe is None or re_ is None:
                change = "–"
            elif fe == 0:
                change = "n/a (file = 0)" if re_ > 0 else "0%"
            else:
                change = f"{(re_ - fe) / fe * 100:+.0f}%"
            shown = lambda v: "–" if v is None else f"{v:.3f}"
            print(f"| {model} | {language} | {shown(fe)} | {shown(re_)} | {change} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
