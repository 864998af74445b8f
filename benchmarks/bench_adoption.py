"""Adopting the upstream layout: audit findings per code before and after `authoring adopt`.

Lays the corpus out as upstream does, with the rest of upstream's `modules/` tree
(`modules_subfolders/*` → `modules/`), in a temporary repository committed by an importer. Then,
in the same run:

- **before**: the README's old two lines of configuration (`terms_dir`, `modules_dir = "modules"`),
  uncommitted, and `Glossary.audit()`;
- **after**: that configuration removed, `authoring adopt` (finds `modules/dictionary`, `modules` and
  `modules/*`, commits the config and the adoption baseline), and `Glossary.audit()` again;

and prints the findings per code side by side, the module count each layout sees, and the times of
adoption and of each audit.

Usage: python benchmarks/bench_adoption.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.corpus_repo import UPSTREAM_CONFIG, upstream_copy  # noqa: E402

IMPORT_NOISE = ("unreviewed-status", "ratified-without-review", "unreviewed-status-change")


def audit_counts(repo: Path) -> tuple[Counter[str], Counter[str], int, float]:
    """(findings per code, per severity, modules seen, seconds)."""
    from authoring.repo.service import Glossary

    with Glossary.open(repo) as glossary:
        modules = len(glossary.modules())
        start = time.perf_counter()
        report = glossary.audit()
        took = time.perf_counter() - start
    return (Counter(f.code for f in report.findings), Counter(str(f.severity) for f in report.findings), modules,
            took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        print(f"{args.corpus} is absent: nothing to measure")
        return
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    from authoring.repo.adoption import adopt
    from authoring.workflow.identity import parse_identity

    with tempfile.TemporaryDirectory(prefix="bench-adoption-") as tmp:
        repo = upstream_copy(args.corpus, Path(tmp) / "pirouette", subfolders=True, config=False)
        (repo / "authoring.toml").write_text(UPSTREAM_CONFIG, encoding="utf-8")
        before, before_sev, before_modules, before_s = audit_counts(repo)
        (repo / "authoring.toml").unlink()
        start = time.perf_counter()
        result = adopt(repo, parse_identity("Ada Adopter <ada@example.org>"))
        adopt_s = time.perf_counter() - start
        after, after_sev, after_modules, after_s = audit_counts(repo)

    print(f"upstream layout: {sum(result.statuses.values())} terms; adopted as"
          f" {', '.join(f'{n} {s}' for s, n in sorted(result.statuses.items()))}")
    print(f"modules seen: before {before_modules} (modules_dir = \"modules\"), after {after_modules}"
          f" ({', '.join(result.modules_dirs)}); kept out of context: {', '.join(result.exclude_from_context)}")
    print(f"times: adopt {adopt_s:.1f} s; audit before {before_s:.1f} s, after {after_s:.1f} s")
    width = max(len(c) for c in (*before, *after, "CODE"))
    print(f"\n{'CODE':<{width}}  {'BEFORE':>7}  {'AFTER':>7}  {'CHANGE':>7}")
    for code in sorted(set(before) | set(after), key=lambda c: (-before.get(c, 0), c)):
        b, a = before.get(code, 0), after.get(code, 0)
        mark = "  ← import noise" if code in IMPORT_NOISE else ""
        print(f"{code:<{width}}  {b:>7}  {a:>7}  {a - b:>+7}{mark}")
    for severity in ("error", "warning", "info"):
        print(f"{severity:<{width}}  {before_sev[severity]:>7}  {after_sev[severity]:>7}"
              f"  {after_sev[severity] - before_sev[severity]:>+7}")
    noise_before = sum(before.get(c, 0) for c in IMPORT_NOISE)
    noise_after = sum(after.get(c, 0) for c in IMPORT_NOISE)
    print(f"\nimport noise: {noise_before} before, {noise_after} after adoption")


if __name__ == "__main__":
    main()
