"""`history` of a term with 200 revisions (spec §11 target: ≤ 1 s).

Builds a temporary repository holding one corpus-like term (the corpus's COHERENCE_FLUX when
`../shared/corpus` is there, else the demo's TIDAL_LOOM) and commits 200 revisions of it: field
edits, a review event every tenth revision, a status change now and then. Then it times, in the
same run:

- `Glossary.history(ID)` in-process, cold (new service, empty blob cache), best of 3;
- `authoring history ID --json` as a user runs it (a new process, imports included);
- baselines: the bare `git log --follow` walk, and plain ruamel.yaml round-trip loading of every
  revision's front matter (what parsing each revision naively would cost).

Usage: python benchmarks/bench_history.py [--revisions N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS_TERM = ROOT.parent / "shared" / "corpus" / "dictionary" / "COHERENCE_FLUX.md"
DEMO_TERM = ROOT / "terms" / "TIDAL_LOOM.md"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "Bench Editor", "GIT_AUTHOR_EMAIL": "bench@example.org",
       "GIT_COMMITTER_NAME": "Bench Editor", "GIT_COMMITTER_EMAIL": "bench@example.org",
       "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout


def build(repo: Path, source: Path, revisions: int) -> str:
    """Commit `revisions` revisions of the term, each a spliced edit of one or two fields."""
    from authoring.core.roundtrip import Editor
    from authoring.core.termfile import load_term
    from authoring.workflow.review_log import Action, ReviewEvent

    term_id = source.stem
    git(repo, "init", "--quiet")
    (repo / "terms").mkdir()
    (repo / "authoring.toml").write_text('terms_dir = "terms"\n', encoding="utf-8")
    path = repo / "terms" / f"{term_id}.md"
    path.write_bytes(source.read_bytes())
    for n in range(revisions):
        files = ["terms"]
        if n:
            editor = Editor(load_term(path, path.name))
            kind = n % 3
            if kind == 0:
                editor.set(("triad", "art"), f"Revision {n}: a river that keeps its shape while its water changes,"
                                             " told again with one more image.\n")
            elif kind == 1:
                editor.set(("version", ), f"0.{n}")
            else:
                editor.set(("last_updated", ), f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}")
            if n % 25 == 0:
                editor.set(("status", ), "candidate" if (n // 25) % 2 else "draft")
            path.write_bytes(editor.render())
        if n and n % 10 == 0:
            event = ReviewEvent(term=term_id, when=dt.datetime.now(dt.UTC), who="Bench Reviewer <rev@example.org>",
                                action=Action.COMMENT, note=f"revision {n} looks fine")
            event_file = repo / "review_logs" / term_id / event.file_name()
            event_file.parent.mkdir(parents=True, exist_ok=True)
            event_file.write_text(event.render(), encoding="utf-8")
            files.append("review_logs")
        git(repo, "add", *files)
        git(repo, "commit", "--quiet", "-m", f"{term_id}: revision {n}\n\nTerm: {term_id}\nAction: edit\n")
    return term_id


def best_of(runs: int, call: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> str:
    """Cores and load: figures from a shared machine are only comparable within one run."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"machine: {os.cpu_count()} cores, load average {load}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--revisions", type=int, default=200)
    args = parser.parse_args()
    source = CORPUS_TERM if CORPUS_TERM.is_file() else DEMO_TERM
    from authoring.core.frontmatter import split
    from authoring.core.textfile import decode
    from authoring.core.yamlio import new_yaml
    from authoring.repo.service import Glossary

    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        repo = Path(tmp)
        started = time.perf_counter()
        term_id = build(repo, source, args.revisions)
        print(f"built {args.revisions} revisions of {term_id} ({source.stat().st_size:,} bytes) in"
              f" {time.perf_counter() - started:.1f} s")

        def in_process() -> None:
            with Glossary.open(repo) as glossary:
                entries = glossary.history(term_id)
            assert len(entries) == args.revisions, len(entries)

        history_s = best_of(3, in_process)
        env = {**ENV, "PYTHONPATH": str(ROOT)}
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "authoring", "history", term_id, "--json", "--repo", str(repo)],
                              capture_output=True, env=env, check=True)
        cli_s = time.perf_counter() - start
        assert done.stdout.startswith(b"[")

        walk_s = best_of(3, lambda: git(repo, "log", "--follow", "--raw", "-z", "--", f"terms/{term_id}.md"))
        blobs = [line.split()[3] for line in git(repo, "log", "--follow", "--raw", "--no-abbrev", "--format=",
                                                  "--", f"terms/{term_id}.md").splitlines() if line.startswith(":")]
        texts = [git(repo, "cat-file", "blob", oid) for oid in blobs]

        def ruamel_all() -> None:
            for data in texts:
                parts = split(decode(data.encode(), "x").body)
                for block in parts.blocks:
                    new_yaml().load(parts.content(block))

        ruamel_s = best_of(1, ruamel_all)
        print(machine())
        print(f"history, in-process (cold cache, best of 3): {history_s:.3f} s   target ≤ 1.000 s"
              f"   {'OK' if history_s <= 1.0 else 'OVER'}")
        print(f"history --json, new process:                 {cli_s:.3f} s")
        print(f"baseline git log --follow --raw walk:         {walk_s:.3f} s")
        print(f"baseline ruamel round-trip load of {len(texts)} revisions: {ruamel_s:.3f} s"
              f"   (history/ruamel = {history_s / ruamel_s:.2f})")


if __name__ == "__main__":
    main()
