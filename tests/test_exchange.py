"""Export (SKOS, TBX, CSV, JSON) and CSV import on real repositories: validation that can fail, refusals
that write nothing, one commit per imported draft authored by the import agent."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Graph, Literal, URIRef

from authoring.exchange import skos, tbx
from authoring.exchange.records import ExportTerm, Source, record
from authoring.exchange.tabular import COLUMNS, read_rows
from authoring.repo.service import Glossary
from authoring.workflow.review_log import load_events
from tests.conftest import git, run_cli

DEMO_PARSEABLE = ["KNOT_DRIFT", "SLACK_WATER", "TIDAL_LOOM", "WEFT_PRESSURE"]


def _export(repo: Path, fmt: str, *extra: str) -> str:
    result = run_cli("--repo", repo, "export", "--format", fmt, *extra)
    assert result.code == 0, result.err
    return result.out


def test_skos_turtle_has_one_concept_per_term_and_passes_shacl(demo_repo: Path) -> None:
    text = _export(demo_repo, "skos")
    graph = Graph().parse(data=text, format="turtle")
    concepts = sorted(str(c).rsplit("/", 1)[-1] for c in graph.subjects(RDF.type, SKOS.Concept))
    assert concepts == DEMO_PARSEABLE
    loom = URIRef("https://glossary.invalid/TIDAL_LOOM")
    assert graph.value(loom, SKOS.prefLabel) == Literal("Tidal Loom", lang="en")
    assert Literal("The Weaving Shore", lang="en") in set(graph.objects(loom, SKOS.altLabel))
    assert (loom, SKOS.related, URIRef("https://glossary.invalid/WEFT_PRESSURE")) in graph
    assert any("DEMO-001 L" in str(n) for n in graph.objects(loom, SKOS.historyNote))
    assert skos.validate(graph).conforms


def test_the_unparseable_term_is_named_never_skipped_silently(demo_repo: Path) -> None:
    result = run_cli("--repo", demo_repo, "export", "--format", "csv")
    assert result.code == 0
    assert "terms/SHUTTLE_ECHO.md:" in result.err and "not-exported" in result.err


def test_shacl_catches_a_graph_that_breaks_the_skos_rules() -> None:
    term = ExportTerm("LOOM", "Loom", aliases=["Weave"], status="ratified")
    graph = skos.build_graph([term])
    assert skos.validate(graph).conforms
    concept = URIRef("https://glossary.invalid/LOOM")
    graph.add((concept, SKOS.prefLabel, Literal("Another", lang="en")))  # S14: two prefLabels in one language
    graph.add((concept, SKOS.altLabel, Literal("Loom", lang="en")))  # S13: pref and alt label the same
    graph.add((concept, SKOS.broader, URIRef("https://glossary.invalid/NOWHERE")))  # not a concept
    result = skos.validate(graph)
    assert not result.conforms and result.violations >= 3


def test_skos_deprecation_broader_and_statuses() -> None:
    old = ExportTerm("OLD", "Old", status="deprecated", superseded_by="NEW", parents=["NEW", "DOMA-036"])
    new = ExportTerm("NEW", "New", status="ratified", crosslinks={"near_synonyms": ["OLD", "MISSING"]})
    graph = skos.build_graph([old, new])
    base = "https://glossary.invalid/"
    from rdflib import OWL, Namespace
    from rdflib.namespace import DCTERMS

    assert (URIRef(base + "OLD"), OWL.deprecated, Literal(True)) in graph
    assert (URIRef(base + "OLD"), DCTERMS.isReplacedBy, URIRef(base + "NEW")) in graph
    assert (URIRef(base + "OLD"), SKOS.broader, URIRef(base + "NEW")) in graph  # a parent that is a term
    assert not list(graph.objects(URIRef(base + "NEW"), SKOS.related))  # hierarchy wins; MISSING is no concept
    vs = Namespace(skos.VS_NS)
    assert str(graph.value(URIRef(base + "NEW"), vs.term_status)) == "stable"
    assert skos.validate(graph).conforms


def test_jsonld_is_the_same_graph(demo_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "glossary.jsonld"
    result = run_cli("--repo", demo_repo, "export", "--format", "skos", "--output", out, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["format"] == "jsonld" and json.loads(result.out)["count"] == 4
    graph = Graph().parse(out, format="json-ld")
    turtle = Graph().parse(data=_export(demo_repo, "skos"), format="turtle")
    assert len(graph) == len(turtle) and len(set(graph.subjects(RDF.type, SKOS.Concept))) == 4


def test_tbx_is_valid_tbx_basic_and_the_schema_can_refuse(demo_repo: Path) -> None:
    from lxml import etree

    data = _export(demo_repo, "tbx").encode("utf-8")
    assert tbx.validate(data) == []
    root = etree.fromstring(data)
    ns = {"t": tbx.TBX_NS}
    assert root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    entries = root.findall(".//t:conceptEntry", ns)
    assert [e.get("id") for e in entries] == DEMO_PARSEABLE
    loom = root.find(".//t:conceptEntry[@id='TIDAL_LOOM']", ns)
    assert loom is not None
    statuses = [n.text for n in loom.findall(".//t:termNote[@type='administrativeStatus']", ns)]
    assert statuses == ["preferredTerm-admn-sts", "admittedTerm-admn-sts"]  # ratified name, then its alias
    assert loom.find(".//t:descrip[@type='definition']", ns) is not None
    broken = data.replace(b"preferredTerm-admn-sts", b"bestTerm-admn-sts", 1)
    assert tbx.validate(broken) and "bestTerm" not in "".join(tbx.validate(data))
    assert tbx.validate(data.replace(b'style="dca"', b'style="dct"'))
    assert tbx.validate(b"<tbx") != []  # not XML at all: a located complaint, not a crash


def test_tbx_ids_that_are_not_xml_names() -> None:
    data = tbx.build_tbx([ExportTerm("1D_FIELD", "1D Field", crosslinks={"prerequisites": ["X"]}),
                          ExportTerm("X", "X", status="deprecated", superseded_by="1D_FIELD")])
    assert tbx.validate(data) == []
    assert b'id="c-1D_FIELD"' in data and b'target="c-1D_FIELD"' in data
    assert b"supersededTerm-admn-sts" in data


def test_csv_has_stable_columns_and_filters_by_status(demo_repo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_export(demo_repo, "csv"))))
    assert tuple(rows[0].keys()) == COLUMNS
    assert [r["id"] for r in rows] == DEMO_PARSEABLE
    loom = next(r for r in rows if r["id"] == "TIDAL_LOOM")
    assert loom["status"] == "ratified" and loom["aliases"] == "The Weaving Shore"
    ratified = list(csv.DictReader(io.StringIO(_export(demo_repo, "csv", "--status", "ratified,candidate"))))
    assert [r["id"] for r in ratified] == ["TIDAL_LOOM", "WEFT_PRESSURE"]
    bad = run_cli("--repo", demo_repo, "export", "--format", "csv", "--status", "golden")
    assert bad.code == 2 and "unknown status golden" in bad.err
    unknown = run_cli("--repo", demo_repo, "export", "--format", "xlsx")
    assert unknown.code == 2 and "unknown format" in unknown.err


def test_json_export(demo_repo: Path) -> None:
    data = json.loads(_export(demo_repo, "json"))
    assert [t["id"] for t in data["terms"]] == DEMO_PARSEABLE
    assert data["terms"][2]["sources"][0]["module"].startswith("DEMO-001")


def test_export_refuses_to_write_among_the_terms(demo_repo: Path) -> None:
    before = git(demo_repo, "status", "--porcelain")
    result = run_cli("--repo", demo_repo, "export", "--format", "csv", "--output", demo_repo / "terms" / "x.csv")
    assert result.code == 2 and "refusing to write into terms/" in result.err
    assert not (demo_repo / "terms" / "x.csv").exists() and git(demo_repo, "status", "--porcelain") == before


def test_records_are_lenient_about_types() -> None:
    term = record("X", {"term": 5, "aliases": "not a list", "crosslinks": {"antonyms": [1, None, "Y"]},
                        "provenance": {"sources": ["odd", {"module": "M", "lines": 7}], "review_log": [{}]},
                        "triad": {"art": "", "law": "L"}})
    assert term.name == "5" and term.aliases == [] and term.crosslinks["antonyms"] == ["1", "Y"]
    assert term.sources == [Source("M", "7", None)] and term.triad == {"law": "L"}


# -- import ---------------------------------------------------------------------------------------------


def _empty_glossary(tmp_path: Path) -> Path:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "--quiet")
    return repo


def _csv(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_one_draft_commit_per_term_by_the_import_agent(tmp_path: Path) -> None:
    repo = _empty_glossary(tmp_path)
    source = _csv(tmp_path, "id,term,aliases,status,definition,extra\n"
                            "TIDAL_LOOM,Tidal Loom,The Weaving Shore | Loom,draft,A woven system.,x\n"
                            "SLACK_WATER,Slack Water,,,\"A still interval, \"\"held\"\".\",\n")
    result = run_cli("--repo", repo, "--json", "import", source)
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert [t["term"] for t in report["imported"]] == ["TIDAL_LOOM", "SLACK_WATER"]
    assert report["author"] == "Import Agent <import-agent@authoring.invalid>"
    assert report["ignored_columns"] == ["extra"]
    log = git(repo, "log", "--format=%an <%ae>|%s|%(trailers:key=Requested-by,valueonly)").split("\n")
    assert log[0].startswith("Import Agent <import-agent@authoring.invalid>|SLACK_WATER: import from in.csv|"
                             "Test Editor")
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"
    assert git(repo, "show", "--stat", "--format=", "HEAD~1").count("|") == 2  # the term and its review event
    with Glossary.open(repo) as glossary:
        loom = glossary.load("TIDAL_LOOM")
        assert loom.entry is not None and loom.errors == []
        assert loom.entry["aliases"] == ["The Weaving Shore", "Loom"] and loom.entry["status"] == "draft"
        assert glossary.load("SLACK_WATER").entry["pirouette_definition"] == 'A still interval, "held".'  # type: ignore[index]
        events, _ = load_events(glossary.review_logs_dir, "TIDAL_LOOM", glossary.root)
        assert [(e.action.value, e.role, e.to_status) for e in events] == [("draft", "agent", "draft")]
    check = run_cli("--repo", repo, "check")
    assert check.code == 0, check.out


def test_import_refuses_existing_ids_and_writes_nothing(demo_repo: Path, tmp_path: Path) -> None:
    head = git(demo_repo, "rev-parse", "HEAD")
    source = _csv(tmp_path, "id,term\nNEW_ONE,New One\nTIDAL_LOOM,Tidal Loom\nNEW_ONE,Again\n../X,Bad\n")
    result = run_cli("--repo", demo_repo, "import", source)
    assert result.code == 3
    assert "in.csv:3:1: error: import-refused: TIDAL_LOOM exists already" in result.err
    assert "in.csv:4:1: error: import-refused: NEW_ONE is also on line 2" in result.err
    assert "in.csv:5:1" in result.err and "not a usable term id" in result.err
    assert git(demo_repo, "rev-parse", "HEAD") == head and not (demo_repo / "terms" / "NEW_ONE.md").exists()
    assert git(demo_repo, "status", "--porcelain") == ""


def test_import_of_non_draft_statuses_is_refused_unless_recorded_as_drafts(tmp_path: Path) -> None:
    repo = _empty_glossary(tmp_path)
    source = _csv(tmp_path, "id,term,status,version\nLOOM,Loom,ratified,2.0\nWEFT,Weft,draft,0.1\n")
    refused = run_cli("--repo", repo, "import", source)
    assert refused.code == 3 and "LOOM is ratified in the file" in refused.err and "--as-drafts" in refused.err
    assert not (repo / "terms").exists()
    done = run_cli("--repo", repo, "--json", "import", source, "--as-drafts")
    assert done.code == 0, done.err
    assert [(t["term"], t["status"], t["source_status"]) for t in json.loads(done.out)["imported"]] == [
        ("LOOM", "draft", "ratified"), ("WEFT", "draft", "draft")]
    assert git(repo, "log", "-1", "--skip=1", "--format=%(trailers:key=Source-Status,valueonly)").strip() == "ratified"
    with Glossary.open(repo) as glossary:
        entry = glossary.load("LOOM").entry
        assert entry is not None and entry["status"] == "draft"
        assert "where it is ratified, version 2.0" in entry["provenance"]["review_log"][0]["notes"]
        assert "ratified" in (glossary.review_events("LOOM")[0].note or "")


@pytest.mark.parametrize(("text", "message"), [
    ("term,status\nX,draft\n", "in.csv:1:1: error: csv-header: the header row lacks the column(s) id"),
    ("id,term,status\nX,Ex,golden\n", "in.csv:2:1: error: csv-status: X: status 'golden'"),
    ("id,term\nX,Ex,extra\n", "in.csv:2:1: error: csv-columns: the row has 3 cells where the header has 2"),
    ("id,term\nX,\n", "in.csv:2:1: error: csv-required"),
    ("id,term\n\"X,Ex\n", "csv-syntax"),
    ("", "csv-empty"),
])
def test_bad_csv_gets_a_located_error(tmp_path: Path, text: str, message: str) -> None:
    repo = _empty_glossary(tmp_path)
    result = run_cli("--repo", repo, "import", _csv(tmp_path, text))
    assert result.code in (1, 3) and message in result.err, result.err
    assert "Traceback" not in result.err and not (repo / "terms").exists()


def test_import_of_a_file_that_is_not_utf8_or_absent(tmp_path: Path) -> None:
    repo = _empty_glossary(tmp_path)
    bad = tmp_path / "latin.csv"
    bad.write_bytes(b"id,term\nX,Caf\xe9\n")
    result = run_cli("--repo", repo, "import", bad)
    assert result.code == 1 and "latin.csv:2: invalid UTF-8" in result.err
    missing = run_cli("--repo", repo, "import", tmp_path / "nope.csv")
    assert missing.code == 2 and "cannot read" in missing.err


def test_read_rows_reads_back_what_export_writes(demo_repo: Path) -> None:
    read = read_rows(_export(demo_repo, "csv"), "x.csv")
    assert read.problems == []
    assert [(r.id, r.term, r.status) for r in read.rows] == [
        ("KNOT_DRIFT", "Knot Drift", "draft"), ("SLACK_WATER", "Slack Water", "draft"),
        ("TIDAL_LOOM", "Tidal Loom", "ratified"), ("WEFT_PRESSURE", "Weft Pressure", "candidate")]
    assert read.rows[2].aliases == ["The Weaving Shore"]


def test_the_site_escapes_what_terms_say_and_links_only_published_terms() -> None:
    from authoring.exchange.site import anchor, build_site

    evil = ExportTerm("EVIL", "<script>alert(1)</script>", definition='"><img src=x onerror=alert(1)>',
                      status="ratified", crosslinks={"antonyms": ["GOOD", "HIDDEN"]},
                      sources=[Source("MOD-1", "L3-L4", "<b>snippet</b>")])
    good = ExportTerm("GOOD", "Good", status="ratified")
    pages = build_site([evil, good], {"MOD-1": ("modules/MOD-1.md", "a\nb\n<i>c</i>\n")})
    page = pages["terms/EVIL.html"].decode("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "<b>snippet" not in page
    assert 'href="GOOD.html"' in page and 'href="HIDDEN.html"' not in page and "HIDDEN" in page
    assert 'href="../modules/MOD-1.html#L3"' in page
    assert "<script>alert" not in pages["index.html"].decode("utf-8")
    assert "&lt;i&gt;c&lt;/i&gt;" in pages["modules/MOD-1.html"].decode("utf-8")
    assert anchor("L47-L52") == "#L47" and anchor("§4") == "#S4" and anchor("somewhere") == ""


def test_export_json_output_without_a_file_carries_the_document(demo_repo: Path) -> None:
    result = run_cli("--repo", demo_repo, "--json", "export", "--format", "csv", "--status", "ratified")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["count"] == 1 and data["output"] is None and data["document"].startswith("id,term,")
