"""`audit` of the whole corpus with its history: fast enough to run on every push?

Lays the corpus out as upstream does in a temporary repository (terms in `modules/dictionary/`,
modules in `modules/`), commits the import, then commits a history on top: `--edits` commits
that each change one term's `last_updated` (every fifth also its status, behind the tool's back).
Then, in the same run:

- `Glossary.audit()` in-process (one pass: every term, every snippet, the whole history);
- `authoring audit --json` as CI runs it (a new process);
- the baseline: plain ruamel.yaml round-trip loading of every front-matter block of the corpus.

Usage: python benchmarks/bench_audit.py [--edits N]   (needs ../shared/corpus)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
from benchmarks.corpus_repo import upstream_copy  # noqa: E402

ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench Importer", "GIT_AUTHOR_EMAIL": "import@example.org",
       "GIT_COMMITTER_NAME": "Bench Importer", "GIT_COMMITTER_EMAIL": "import@example.org",
       "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout


def build(repo: Path, edits: int) -> None:
    upstream_copy(CORPUS, repo)
    terms = sorted((repo / "modules" / "dictionary").glob("*.md"))
    done = 0
    for n, path in enumerate(terms):
        if done >= edits:
            break
        text = path.read_text(encoding="utf-8")
        edited = re.sub(r"^last_updated: .*$", f"last_updated: 2026-11-{1 + n % 28:02d}", text, flags=re.MULTILINE)
        if done % 5 == 0:
            edited = re.sub(r"^status: *draft *$", "status: candidate", edited, flags=re.MULTILINE)
        if edited == text:
            continue
        path.write_text(edited, encoding="utf-8")
        git(repo, "commit", "--quiet", "-am", f"{path.stem}: touch")
        done += 1


def machine() -> str:
    """Cores and load: figures from a shared machine are only comparable within one run."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()
    if not (CORPUS / "dictionary").is_dir():
        print("../shared/corpus is absent: nothing to measure")
        return
    from authoring.core.frontmatter import split
    from authoring.core.textfile import decode
    from authoring.core.yamlio import new_yaml
    from authoring.repo.service import Glossary

    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        repo = Path(tmp)
        build(repo, args.edits)
        commits = int(git(repo, "rev-list", "--count", "HEAD"))
        terms = sorted((repo / "modules" / "dictionary").glob("*.md"))

        start = time.perf_counter()
        blocks = 0
        for path in terms:
            parts = split(decode(path.read_bytes(), path.name).body)
            for block in parts.blocks:
                blocks += 1
                # the baseline loads what it can, as a plain script would
                with contextlib.suppress(Exception):
                    new_yaml().load(parts.content(block))
        baseline = time.perf_counter() - start

        start = time.perf_counter()
        with Glossary.open(repo) as glossary:
            report = glossary.audit()
        in_process = time.perf_counter() - start

        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "authoring", "audit", "--json", "--repo", str(repo)],
                              capture_output=True, env={**ENV, "PYTHONPATH": str(ROOT)}, check=False)
        cli = time.perf_counter() - start
        assert done.returncode in (0, 1), done.stderr

        counts = report.summary["by_severity"]
        print(machine())
        print(f"corpus: {len(terms)} terms, {blocks} front-matter blocks, {commits} commits")
        print(f"audit, in-process:              {in_process:7.2f} s   ({counts['error']} errors,"
              f" {counts['warning']} warnings, {counts['info']} info)")
        print(f"audit --json, new process:      {cli:7.2f} s")
        print(f"baseline ruamel round-trip load: {baseline:6.2f} s   (audit/baseline = {in_process / baseline:.2f})")
        top = sorted(report.summary["by_code"].items(), key=lambda kv: -kv[1])[:12]
        print("findings by code: " + ", ".join(f"{code} {count}" for code, count in top))


if __name__ == "__main__":
    main()
