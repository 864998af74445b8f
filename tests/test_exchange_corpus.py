"""The exports on the real corpus: every parseable term in SKOS (one concept each, SHACL passes), TBX
(valid against the schema) and CSV; the CSV re-imported into an empty glossary round-trips ids, names
(and aliases, symbols, parents, definitions), and statuses in the sense the import gives them: every
imported term is a draft, and the status it had in the file is on record, in the commit's
`Source-Status:` trailer, the `draft` event's note and the term's `provenance.review_log`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph

from authoring.exchange import tbx
from authoring.repo.service import Glossary
from tests.conftest import git, run_cli

pytestmark = [pytest.mark.corpus, pytest.mark.slow]


def _rows(text: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(text))}


def test_corpus_exports_and_the_csv_round_trip(corpus_copy: Path, tmp_path: Path) -> None:
    with Glossary.open(corpus_copy) as glossary:
        parseable = [s.id for s in glossary.summaries() if s.parses]
    assert len(parseable) > 1100

    turtle = tmp_path / "glossary.ttl"
    result = run_cli("--repo", corpus_copy, "--json", "export", "--format", "skos", "--output", turtle)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["count"] == len(parseable) and report["validation"].startswith("SHACL: conforms")
    assert len(report["skipped"]) == 1691 - len(parseable)  # every term left out is named
    graph = Graph().parse(turtle, format="turtle")
    concepts = {str(c).rsplit("/", 1)[-1] for c in graph.subjects(RDF.type, SKOS.Concept)}
    assert concepts == set(parseable)  # one concept per exported term

    tbx_file = tmp_path / "glossary.tbx"
    assert run_cli("--repo", corpus_copy, "export", "--format", "tbx", "--output", tbx_file).code == 0
    data = tbx_file.read_bytes()
    assert tbx.validate(data) == [] and data.count(b"<conceptEntry ") == len(parseable)

    exported = tmp_path / "glossary.csv"
    assert run_cli("--repo", corpus_copy, "export", "--format", "csv", "--output", exported).code == 0
    before = _rows(exported.read_text(encoding="utf-8"))
    assert sorted(before) == sorted(parseable)

    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "--quiet")
    refused = run_cli("--repo", empty, "import", exported)
    assert refused.code == 3 and "pass --as-drafts" in refused.err and not (empty / "terms").exists()
    imported = run_cli("--repo", empty, "--json", "import", exported, "--as-drafts")
    assert imported.code == 0, imported.err
    assert json.loads(imported.out)["count"] == len(parseable)
    assert int(git(empty, "rev-list", "--count", "HEAD")) == len(parseable)  # one commit per term

    again = run_cli("--repo", empty, "export", "--format", "csv")
    assert again.code == 0, again.err
    after = _rows(again.out)
    assert sorted(after) == sorted(before)
    for key in ("term", "aliases", "symbol", "parents", "definition"):
        differing = [i for i in before if before[i][key] != after[i][key]]
        assert differing == [], f"{key} differs for {differing[:5]}"
    assert {row["status"] for row in after.values()} == {"draft"}
    recorded = {}
    for line in git(empty, "log", "--format=%(trailers:key=Term,valueonly,separator=)"
                               "\t%(trailers:key=Source-Status,valueonly,separator=)").splitlines():
        if line.strip():
            term, status = line.split("\t")
            recorded[term.strip()] = status.strip()
    assert recorded == {i: row["status"] for i, row in before.items()}  # statuses round-trip, on record
    ratified = next(i for i, row in before.items() if row["status"] == "ratified")
    with Glossary.open(empty) as glossary:
        assert "ratified" in (glossary.review_events(ratified)[0].note or "")
        assert all(s.errors == 0 for s in glossary.summaries())  # every imported draft passes check
