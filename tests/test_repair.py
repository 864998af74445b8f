"""`repair`: each common fault of agent-written front matter, proposed as a readable change, written only
with `--write`, committed, and refused whenever the result would not say what the text said."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring.core.repair import propose
from authoring.core.termfile import load_term
from authoring.workflow.review_log import Action, parse_event, term_revision
from tests.conftest import EDITOR, git, make_repo, run_cli

HEAD = "---\nterm: Tide Gauge\ncanonical_id: TIDE_GAUGE\nstatus: draft\nversion: 0.1\nlast_updated: 2026-01-02\n"
BODY = "---\n\n# Tide Gauge\n\nA body with a rule\n\n---\n\nand more.\n"


def plan_for(tmp_path: Path, yaml_lines: str, body: str = BODY, name: str = "TIDE_GAUGE") -> tuple:
    path = tmp_path / f"{name}.md"
    path.write_bytes((HEAD + yaml_lines + body).encode())
    term = load_term(path, path.name)
    return term, propose(term)


def repaired_entry(plan) -> dict:  # type: ignore[no-untyped-def]
    term = load_term(plan.path, plan.display, plan.after)
    assert term.parses, [p.format() for p in term.problems]
    assert term.entry is not None
    return term.entry


@pytest.mark.parametrize(
    ("line", "field", "meant"),
    [
        ("where: Chapter 5: Tidal Growth\n", "where", "Chapter 5: Tidal Growth"),
        ("symbol: `T_g`\n", "symbol", "`T_g`"),
        ("symbol: **G**_t\n", "symbol", "**G**_t"),
        ("symbol: *G*<sub>t</sub>\n", "symbol", "*G*<sub>t</sub>"),
        ("symbol: |ψ|^2\n", "symbol", "|ψ|^2"),
        ("default_range: > 10 m (spring tides)\n", "default_range", "> 10 m (spring tides)"),
        ("default_range: >0\n", "default_range", ">0"),
        ("handle: @tidewatch\n", "handle", "@tidewatch"),
        ("default_range: [-1, 1], where 1 is a full flood\n", "default_range", "[-1, 1], where 1 is a full flood"),
        ("dimensions: [Length][Time]⁻¹\n", "dimensions", "[Length][Time]⁻¹"),
        ("default_range: {0, 1} (ebb, flood)\n", "default_range", "{0, 1} (ebb, flood)"),
        ("default_range: [0, ∞)\n", "default_range", "[0, ∞)"),
        ('units: "metres" or "feet"\n', "units", '"metres" or "feet"'),
        ('formula: "h = \\Delta z / \\(t\\)"\n', "formula", "h = \\Delta z / \\(t\\)"),
        ('formula: "the \\"gauge\\" reads \\D"\n', "formula", 'the "gauge" reads \\D'),
        ("reading: 2018-00-00\n", "reading", "2018-00-00"),
        ("note: it's a gauge: one that reads\n", "note", "it's a gauge: one that reads"),
    ],
)
def test_each_common_fault_is_quoted_to_read_as_written(tmp_path: Path, line: str, field: str, meant: str) -> None:
    term, plan = plan_for(tmp_path, line)
    assert not term.parses
    assert plan.applicable, (plan.refused, plan.remaining)
    assert repaired_entry(plan)[field] == meant
    assert [r.field for r in plan.repairs] == [field]
    (hunk,) = plan.hunks
    assert hunk.line == 7 and hunk.old == (line.rstrip("\n"),)
    # everything but that line is byte for byte what it was
    before, after = plan.before.decode().split("\n"), plan.after.decode().split("\n")
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [6]


def test_a_plain_value_over_several_lines_is_quoted_over_the_same_lines(tmp_path: Path) -> None:
    _, plan = plan_for(tmp_path, "adopted:\n  - target: Gauge\n    rationale: The gauge is direct: it reads\n"
                                 "      the level, and it's cheap.\n\n      A second paragraph.\n    confidence: 0.9\n")
    assert plan.applicable, plan.refused
    entry = repaired_entry(plan)
    assert entry["adopted"][0]["rationale"] == ("The gauge is direct: it reads the level, and it's cheap.\n"
                                                "A second paragraph.")
    assert entry["adopted"][0]["confidence"] == 0.9
    assert plan.hunks[0].new[0] == '    rationale: "The gauge is direct: it reads'


def test_flow_list_items_are_quoted_one_by_one_and_good_items_are_kept(tmp_path: Path) -> None:
    _, plan = plan_for(tmp_path, "collisions: [`μ` (mass scale), `μ` (chemical potential, in gases), plain item,"
                                 " 0.5]\n")
    assert plan.applicable
    assert repaired_entry(plan)["collisions"] == ["`μ` (mass scale)", "`μ` (chemical potential, in gases)",
                                                  "plain item", 0.5]
    assert plan.hunks[0].new == ("collisions: ['`μ` (mass scale)', '`μ` (chemical potential, in gases)', plain item,"
                                 " 0.5]",)


def test_several_faults_are_fixed_one_after_the_other(tmp_path: Path) -> None:
    _, plan = plan_for(tmp_path, "symbol: **G**\nwhere: Book: Part 2\nlinks: [a, `b`]\nnote: fine\n")
    assert plan.applicable
    assert [r.rule for r in plan.repairs] == ["quote-value", "quote-value", "quote-list-items"]
    entry = repaired_entry(plan)
    assert (entry["symbol"], entry["where"], entry["links"], entry["note"]) == ("**G**", "Book: Part 2", ["a", "`b`"],
                                                                                 "fine")


def test_an_unfenced_entry_gets_its_fences(tmp_path: Path) -> None:
    header = '---\nterm: "Tide Gauge"\ncanonical_id: "TIDE_GAUGE"\nstatus: "draft"\n---\n\n'
    entry = "term: Tide Gauge\ncanonical_id: TIDE_GAUGE\nstatus: draft\nsymbol: `h`\n\n# Tide Gauge\n\nBody.\n"
    path = tmp_path / "TIDE_GAUGE.md"
    path.write_text(header + entry, encoding="utf-8")
    term = load_term(path)
    assert "unfenced-entry" in {p.code for p in term.problems}
    plan = propose(term)
    assert plan.applicable, (plan.refused, plan.remaining)
    assert [r.rule for r in plan.repairs] == ["fence-entry", "quote-value"]
    repaired = load_term(path, None, plan.after)
    assert len(repaired.blocks) == 2 and repaired.entry is not None and repaired.entry["symbol"] == "`h`"
    assert repaired.split is not None and repaired.split.body == "\n# Tide Gauge\n\nBody.\n"


def test_an_unterminated_block_is_closed_without_changing_a_value(tmp_path: Path) -> None:
    path = tmp_path / "TIDE_GAUGE.md"
    path.write_text(HEAD + "license: CC-BY-SA-4.0", encoding="utf-8")  # no fence, no final newline
    term = load_term(path)
    assert term.parses and "unterminated-block" in {p.code for p in term.problems}
    plan = propose(term)
    assert plan.applicable
    assert plan.after == (HEAD + "license: CC-BY-SA-4.0\n---").encode()
    assert load_term(path, None, plan.after).entry == term.entry


def test_a_crlf_file_with_a_bom_keeps_both(tmp_path: Path) -> None:
    path = tmp_path / "TIDE_GAUGE.md"
    text = (HEAD + "where: Chapter 5: Tides\n" + BODY).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    plan = propose(load_term(path))
    assert plan.applicable
    assert plan.after == b"\xef\xbb\xbf" + text.replace("where: Chapter 5: Tides", "where: 'Chapter 5: Tides'").encode()


def test_a_duplicate_key_is_left_to_a_person(tmp_path: Path) -> None:
    _, plan = plan_for(tmp_path, "where: Chapter 5: Tides\nconfidence: 0.9\nconfidence: 0.8\n")
    assert not plan.applicable
    assert [r.rule for r in plan.repairs] == ["quote-value"]
    assert [p.code for p in plan.remaining] == ["duplicate-key"]


def test_an_ambiguous_escape_is_not_guessed(tmp_path: Path) -> None:
    term, plan = plan_for(tmp_path, 'formula: "a \\\\ b \\D"\n')
    assert not term.parses
    assert not plan.applicable and not plan.repairs
    assert plan.remaining[0].code == "yaml-syntax"


def test_a_file_that_parses_needs_nothing(tmp_path: Path) -> None:
    term, plan = plan_for(tmp_path, "symbol: '`T`'\n")
    assert term.parses and not plan.needed and plan.after is None


# -- the command ------------------------------------------------------------------------------------


@pytest.fixture
def broken_repo(tmp_path: Path) -> Path:
    files = {
        "terms/TIDE_GAUGE.md": HEAD + "where: Chapter 5: Tides\n" + BODY,
        "terms/EBB_LINE.md": HEAD.replace("TIDE_GAUGE", "EBB_LINE") + "symbol: **E**\nk: 1\nk: 2\n" + BODY,
        "terms/SLACK.md": HEAD.replace("TIDE_GAUGE", "SLACK") + "symbol: S\n" + BODY,
    }
    return make_repo(tmp_path / "repo", files)


def test_repair_proposes_without_writing(broken_repo: Path) -> None:
    before = (broken_repo / "terms" / "TIDE_GAUGE.md").read_bytes()
    result = run_cli("repair", "TIDE_GAUGE", "--repo", broken_repo)
    assert result.code == 1
    assert "  - where: Chapter 5: Tides\n  + where: 'Chapter 5: Tides'" in result.out
    assert "run with --write" in result.out
    assert (broken_repo / "terms" / "TIDE_GAUGE.md").read_bytes() == before
    assert git(broken_repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_repair_write_commits_the_file_with_trailers(broken_repo: Path) -> None:
    result = run_cli("repair", "TIDE_GAUGE", "--write", "--repo", broken_repo, "--as", EDITOR)
    assert result.code == 0, result.err
    assert load_term(broken_repo / "terms" / "TIDE_GAUGE.md").parses
    log = git(broken_repo, "log", "-1", "--format=%an <%ae>%n%B")
    assert log.startswith(EDITOR)
    assert "TIDE_GAUGE: repair front matter" in log and "Term: TIDE_GAUGE" in log and "Action: repair" in log
    event_file, term_file = git(broken_repo, "show", "--name-only", "--format=", "HEAD").split()
    assert term_file == "terms/TIDE_GAUGE.md"
    assert event_file.startswith("review_logs/TIDE_GAUGE/") and event_file.endswith(".yaml")
    assert "-repair-" in event_file
    assert git(broken_repo, "status", "--porcelain") == ""


def test_repair_write_records_a_repair_event_the_trail_accepts(broken_repo: Path) -> None:
    """Repair lands like every action: the file plus one `repair` event, which history shows and the audit
    neither flags nor counts as a content change."""
    before = run_cli("audit", "--json", "--no-cache", "--repo", broken_repo)
    assert run_cli("repair", "TIDE_GAUGE", "--write", "--repo", broken_repo, "--as", EDITOR).code == 0
    (event_file,) = (broken_repo / "review_logs" / "TIDE_GAUGE").iterdir()
    event = parse_event(event_file.read_text(encoding="utf-8"), event_file.name)
    assert (event.action, event.who, event.model_extra) == (Action.REPAIR, EDITOR, {"repairs": ["quote-value"]})
    assert event.revision == term_revision(load_term(broken_repo / "terms" / "TIDE_GAUGE.md"))
    history = json.loads(run_cli("history", "TIDE_GAUGE", "--json", "--repo", broken_repo).out)
    assert [r["action"] for r in history[0]["reviews"]] == ["repair"] and history[0]["action"] == "repair", history
    after = run_cli("audit", "--json", "--no-cache", "--repo", broken_repo)
    codes = lambda out: sorted(f["code"] for f in json.loads(out)["findings"] if f.get("term") == "TIDE_GAUGE")  # noqa: E731
    new = set(codes(after.out)) - set(codes(before.out))
    assert not new, json.loads(after.out)["findings"]


def test_repair_all_json_writes_what_it_can_and_reports_the_rest(broken_repo: Path) -> None:
    ebb = broken_repo / "terms" / "EBB_LINE.md"
    before = ebb.read_bytes()
    result = run_cli("repair", "--all", "--write", "--json", "--repo", broken_repo, "--as", EDITOR)
    assert result.code == 1
    data = json.loads(result.out)
    assert (data["checked"], data["needing_repair"], data["repairable"], data["written"]) == (3, 2, 1, 1)
    files = {f["term"]: f for f in data["files"]}
    assert files["TIDE_GAUGE"]["commit"] and files["TIDE_GAUGE"]["repairs"][0]["field"] == "where"
    assert files["EBB_LINE"]["commit"] is None and files["EBB_LINE"]["remaining"][0]["code"] == "duplicate-key"
    assert ebb.read_bytes() == before


def test_repair_refuses_a_file_changed_outside_the_tool(broken_repo: Path) -> None:
    path = broken_repo / "terms" / "TIDE_GAUGE.md"
    path.write_bytes(path.read_bytes() + b"local edit\n")
    result = run_cli("repair", "TIDE_GAUGE", "--write", "--repo", broken_repo, "--as", EDITOR)
    assert result.code == 4
    assert "uncommitted changes" in result.err
    assert path.read_bytes().endswith(b"local edit\n")
    assert git(broken_repo, "rev-list", "--count", "HEAD").strip() == "1"


def test_repair_write_of_a_file_it_cannot_repair_is_one_error_line(broken_repo: Path) -> None:
    before = (broken_repo / "terms" / "EBB_LINE.md").read_bytes()
    result = run_cli("repair", "EBB_LINE", "--write", "--repo", broken_repo, "--as", EDITOR)
    assert result.code == 1
    assert result.err.startswith("authoring: error: EBB_LINE: cannot be repaired automatically")
    assert "duplicate-key" in result.err and "Traceback" not in result.err
    assert (broken_repo / "terms" / "EBB_LINE.md").read_bytes() == before


def test_the_service_describes_a_proposal_for_the_ui(broken_repo: Path) -> None:
    from authoring.repo.service import Glossary

    with Glossary.open(broken_repo) as glossary:
        result = glossary.repair("TIDE_GAUGE")
    assert result.commit is None and result.message == "TIDE_GAUGE: 1 repair(s) proposed"
    assert result.describe().split("\n")[1:] == ["@@ line 7", "- where: Chapter 5: Tides",
                                                  "+ where: 'Chapter 5: Tides'"]


def test_repair_needs_an_id_or_all(broken_repo: Path) -> None:
    result = run_cli("repair", "--repo", broken_repo)
    assert result.code == 2 and "--all" in result.err


def test_repair_on_corpus_files_of_every_rule(corpus_copy: Path) -> None:
    wanted = {"ACCELERATION": "quote-value", "COHERENCE_AREA": "unknown-escape", "BASE_MASS_SCALE": "quote-list-items",
              "CHARGE_QUANTIZATION": "fence-entry", "COHERENCE_ATROPHY": "text-after-bracket",
              "SCALE_DYNAMICS": "quoted-prefix"}
    for term_id, rule in wanted.items():
        proposed = run_cli("repair", term_id, "--json", "--repo", corpus_copy)
        assert proposed.code == 1  # a dry run that found something to repair
        (found,) = json.loads(proposed.out)["files"]
        assert rule in {r["rule"] for r in found["repairs"]}, term_id
        assert found["applicable"] == (term_id != "SCALE_DYNAMICS")  # its duplicate key is left for a person
    assert git(corpus_copy, "status", "--porcelain") == ""
    for term_id in wanted.keys() - {"SCALE_DYNAMICS"}:
        written = run_cli("repair", term_id, "--write", "--repo", corpus_copy, "--as", EDITOR)
        assert written.code == 0, written.err
        assert load_term(corpus_copy / "modules" / "dictionary" / f"{term_id}.md").parses
    assert git(corpus_copy, "rev-list", "--count", "HEAD").strip() == "6"
    assert git(corpus_copy, "status", "--porcelain") == ""
