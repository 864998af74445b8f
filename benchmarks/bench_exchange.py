"""Benchmark: publishing and exchange on the corpus, against reading the terms alone, in one run.

Baseline: reading every term the way exports do (`Exchange.records`: each file loaded through the
core's fast path, its review events read). Then, in-process on the same copy: each export format
built and validated (SKOS with SHACL, TBX with RELAX NG, CSV, JSON), the static site, duplicate
detection (label collisions, id variants, similar definitions), and a CSV import of N terms into an
empty glossary (one commit each), with every figure as a ratio of the baseline.

    python benchmarks/bench_exchange.py [--corpus ../shared/corpus] [--import-rows 100]

The corpus is copied into a temporary Git repository; nothing is written anywhere else.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--import-rows", type=int, default=100)
    args = parser.parse_args()
    if not (args.corpus / "dictionary").is_dir():
        sys.exit(f"no corpus at {args.corpus}")
    from corpus_repo import upstream_copy

    from authoring.core.duplicates import find_duplicates
    from authoring.repo.duplicate_findings import labelled
    from authoring.repo.service import Glossary

    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        repo = upstream_copy(args.corpus, Path(tmp) / "pirouette")
        glossary = Glossary.open(repo)
        exchange = glossary.exchange()
        base, (terms, skipped) = timed(exchange.records)
        print(f"baseline: read {len(terms)} parseable terms ({len(skipped)} left out): {base:.2f} s")
        for fmt in ("skos", "jsonld", "tbx", "csv", "json"):
            spent, (data, validation) = timed(lambda fmt=fmt: exchange.render(fmt, terms))
            print(f"{fmt:>7}: build + validate {spent:6.2f} s  ({spent / base:5.2f}× baseline)  {len(data):>10,} bytes"
                  f"  {validation}")
        spent, site = timed(lambda: exchange.site(Path(tmp) / "site"))
        print(f"   site: {spent:6.2f} s  ({spent / base:5.2f}× baseline, includes reading)  {site.pages} files")
        loaded = {t: glossary.load(t) for t in glossary.term_ids()}
        items = [labelled(t, term, term.entry) for t, term in loaded.items()]
        spent, groups = timed(lambda: find_duplicates(items, glossary.config.duplicates.similar_definition))
        counts = {code: sum(1 for g in groups if g.code == code)
                  for code in ("label-collision", "id-variant", "similar-definition")}
        print(f"duplicates: {spent:6.2f} s  ({spent / base:5.2f}× baseline)  {counts}")
        csv_file = Path(tmp) / "rows.csv"
        csv_text = exchange.render("csv", terms[: args.import_rows])[0]
        csv_file.write_bytes(csv_text)
        empty = Path(tmp) / "empty"
        empty.mkdir()
        subprocess.run(["git", "init", "--quiet", str(empty)], check=True)
        target = Glossary.open(empty, "Bench Importer <import@example.org>")
        spent, result = timed(lambda: target.exchange().import_csv(csv_file, as_drafts=True))
        n = len(result.imported)
        print(f" import: {n} terms, one commit each: {spent:6.2f} s  ({spent / n * 1000:.0f} ms per term,"
              f" {spent / base:5.2f}× baseline)")
        target.close()
        glossary.close()


if __name__ == "__main__":
    main()
