"""Benchmark: `authoring check` on the corpus against plain parsing, measured in one run.

Prints the baselines (ruamel.yaml round-trip loading of every front-matter block; PyYAML's libyaml
loader on the same blocks), then `authoring check` as a user runs it (a fresh process, `--json`
to a pipe): cold (no index), cold on one core, warm (nothing changed), and cold on 4× the corpus
(every term copied under three new ids), with the ratios the targets of spec §11 are stated in.

    python benchmarks/bench_check.py [--corpus ../shared/corpus] [--repeat 2]

The corpus is copied into a temporary Git repository; nothing is written anywhere else.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def blocks_of(dictionary: Path) -> list[str]:
    from authoring.core.frontmatter import split
    from authoring.core.textfile import decode

    texts = []
    for path in sorted(dictionary.glob("*.md")):
        sp = split(decode(path.read_bytes(), path.name).body)
        texts.extend(sp.content(block) for block in sp.blocks)
    return texts


def ruamel_baseline(texts: list[str]) -> float:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    start = time.perf_counter()
    for text in texts:
        yaml = YAML(typ="rt")
        yaml.preserve_quotes = True
        with contextlib.suppress(YAMLError, RecursionError):
            yaml.load(text)
    return time.perf_counter() - start


def libyaml_baseline(texts: list[str]) -> float:
    import yaml

    start = time.perf_counter()
    for text in texts:
        with contextlib.suppress(yaml.YAMLError):
            yaml.load(text, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def make_repo(corpus: Path, where: Path, copies: int) -> Path:
    """A Git repository in the upstream layout holding the corpus, each term `copies` times under new ids."""
    repo = where / f"glossary-{copies}x"
    terms = repo / "modules" / "dictionary"
    terms.mkdir(parents=True)
    for path in (corpus / "dictionary").glob("*.md"):
        data = path.read_bytes()
        shutil.copyfile(path, terms / path.name)
        for n in range(2, copies + 1):
            new_id = f"{path.stem}_X{n}"
            (terms / f"{new_id}.md").write_bytes(data.replace(path.stem.encode(), new_id.encode()))
    (repo / "authoring.toml").write_text('terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n')
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def check(repo: Path, workers: int | None = None) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if workers is not None:
        env["AUTHORING_WORKERS"] = str(workers)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "authoring", "check", "--json", "--repo", str(repo)],
                          capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"check failed: {done.stderr.decode()}")
    return elapsed


def forget(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "authoring", ignore_errors=True)


def best(label: str, runs: list[float]) -> float:
    print(f"  {label}: " + ", ".join(f"{r:.2f} s" for r in runs) + f"  → best {min(runs):.2f} s")
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        raise SystemExit(f"no corpus at {args.corpus}")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start; "
          f"python {sys.version.split()[0]}")
    texts = blocks_of(args.corpus / "dictionary")
    files = len(list((args.corpus / "dictionary").glob("*.md")))
    print(f"corpus: {files} term files, {len(texts)} front-matter blocks")
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        one = make_repo(args.corpus, Path(tmp), 1)
        four = make_repo(args.corpus, Path(tmp), 4)
        print("baselines (in-process, one core):")
        ruamel = ruamel_baseline(texts)
        print(f"  ruamel.yaml round-trip load of every block: {ruamel:.2f} s")
        libyaml = libyaml_baseline(texts)
        print(f"  libyaml (CSafeLoader) load of every block:  {libyaml:.2f} s")
        print("authoring check --json (a fresh process each run):")
        colds, singles, warms, fours = [], [], [], []
        for _ in range(args.repeat):
            forget(one)
            colds.append(check(one))
            warms.extend(check(one) for _ in range(2))
            forget(one)
            singles.append(check(one, workers=1))
            forget(four)
            fours.append(check(four))
        cold = best(f"cold, 1x ({files} terms), all cores", colds)
        single = best("cold, 1x, one core (AUTHORING_WORKERS=1)", singles)
        warm = best("warm, 1x, nothing changed", warms)
        cold4 = best(f"cold, 4x ({4 * files} terms), all cores", fours)
    print("ratios (target):")
    print(f"  cold / ruamel load           = {cold / ruamel:6.1%}  (≤ 20%)")
    print(f"  cold one core / ruamel load  = {single / ruamel:6.1%}  (≤ 20%)")
    print(f"  warm / ruamel load           = {warm / ruamel:6.1%}  (≤ 5%)")
    print(f"  cold 4x / cold 1x            = {cold4 / cold:6.2f}×  (≤ 4.6×)")
    print(f"  cold / libyaml load          = {cold / libyaml:6.2f}×  (for scale)")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
