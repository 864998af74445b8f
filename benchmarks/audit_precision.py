"""Audit precision on the upstream layout, before and after the provenance and crosslink work, same run.

Builds the corpus as upstream lays it out (terms in `modules/dictionary/`, modules and
`modules_subfolders/` under `modules/`), runs `authoring audit --json` with the code of the baseline
commit (extracted with `git archive`, default: where this branch left main) and with this tree, each on
its own copy, and prints:

- the count of every finding code, before and after;
- for `snippet-missing`: how many of the findings have text that really is absent from the module once
  Markdown emphasis, code ticks, quote and dash variants are ignored and `...` is a gap
  (`core.snippets`), and how many at least share their first five words with it;
- the dangling links before, and how they divide now (declared id, name, near miss, really missing).

Usage: python benchmarks/audit_precision.py [--baseline REV]   (needs ../shared/corpus)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from authoring.core.snippets import SnippetIndex, normalise  # noqa: E402
from authoring.core.termfile import load_term  # noqa: E402
from authoring.repo.provenance import Modules  # noqa: E402
from benchmarks.baseline import CORPUS, baseline_tree, default_baseline, run_authoring, upstream_repo  # noqa: E402

_SOURCE = re.compile(r"provenance\.sources\.(\d+)")


def audit(tree: Path, repo: Path, label: str) -> dict[str, Any]:
    run = run_authoring(tree, repo, "audit", "--json")
    if run.code not in (0, 1):
        raise SystemExit(f"{label}: audit failed ({run.code}): {run.err.strip()[-400:]}")
    print(f"{label}: audit in {run.wall:.1f} s wall, {run.cpu:.1f} s CPU")
    data: dict[str, Any] = json.loads(run.out)
    return data


def snippet_of(repo: Path, finding: dict[str, Any]) -> str | None:
    match = _SOURCE.search(finding["message"])
    if match is None or not finding.get("path"):
        return None
    entry = load_term(repo / finding["path"], finding["path"], fast=True).entry or {}
    sources = (entry.get("provenance") or {}).get("sources") if isinstance(entry.get("provenance"), dict) else None
    index = int(match[1])
    if not isinstance(sources, list) or index >= len(sources) or not isinstance(sources[index], dict):
        return None
    snippet = sources[index].get("snippet")
    return snippet if isinstance(snippet, str) else None


def missing_precision(repo: Path, findings: list[dict[str, Any]]) -> tuple[int, int, int, int]:
    """(findings, absent after normalisation, present after normalisation, sharing their first five words)."""
    modules = Modules(repo / "modules")
    total = absent = present = first_words = 0
    for finding in findings:
        snippet = snippet_of(repo, finding)
        path = modules.resolve(str(finding.get("module") or ""))
        text = modules.text(path) if path is not None else None
        if snippet is None or text is None:
            continue
        total += 1
        index = text.index or SnippetIndex(text.text)
        if index.find(snippet):
            present += 1
            continue
        absent += 1
        head = " ".join(normalise(snippet).split()[:5])
        if head and head in index.normalised:
            first_words += 1
    return total, absent, present, first_words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=None, help="the commit to compare with (default: merge-base with main)")
    args = parser.parse_args()
    if not (CORPUS / "dictionary").is_dir():
        raise SystemExit(f"no corpus at {CORPUS}")
    rev = args.baseline or default_baseline()
    with tempfile.TemporaryDirectory(prefix="audit-precision-") as tmp:
        work = Path(tmp)
        before_tree = baseline_tree(rev, work / "baseline")
        repo_before = upstream_repo(work / "before")
        repo_after = work / "after"
        shutil.copytree(repo_before, repo_after, symlinks=True)
        print(f"upstream layout of {CORPUS}; baseline {rev[:10]} vs this tree")
        before = audit(before_tree, repo_before, "before")
        after = audit(ROOT, repo_after, "after ")
        codes_before = Counter(f["code"] for f in before["findings"])
        codes_after = Counter(f["code"] for f in after["findings"])
        print(f"\n{'code':<28}{'before':>8}{'after':>8}")
        for code in sorted(codes_before.keys() | codes_after.keys()):
            print(f"{code:<28}{codes_before[code]:>8}{codes_after[code]:>8}")
        for label, repo, report in (("before", repo_before, before), ("after", repo_after, after)):
            missing = [f for f in report["findings"] if f["code"] == "snippet-missing"]
            total, absent, present, heads = missing_precision(repo, missing)
            share = 100 * absent / total if total else 100.0
            print(f"\nsnippet-missing {label}: {total} checked; really absent after normalisation {absent}"
                  f" ({share:.0f} %), present once normalised {present} ({100 - share:.0f} %);"
                  f" of the absent, {heads} share their first five words with the module")
        dangling = ("dangling-crosslink", "dangling-association")
        split = ("crosslink-by-declared-id", "crosslink-by-name", "crosslink-near-miss", *dangling)
        print(f"\ndangling links before: {sum(codes_before[c] for c in dangling)}; now: "
              + ", ".join(f"{c} {codes_after[c]}" for c in split))


if __name__ == "__main__":
    main()
