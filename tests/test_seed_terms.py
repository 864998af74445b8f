"""The three seed terms' quirks (COHERENCE_FLUX, ENTROPY_PUMP, SCALE_DYNAMICS in the corpus), re-written in
our own words: a legacy header that disagrees on status, `symbol: ` with a trailing space, `[ "X", 0.9 ]`
rows, a `§4` lines value, a duplicate key and a `"bits" or "energy-like"` value."""

from __future__ import annotations

from pathlib import Path

from authoring.core.repair import propose
from authoring.core.roundtrip import Editor
from authoring.core.termfile import load_term
from tests.conftest import EDITOR, git, make_repo, run_cli

# Like COHERENCE_FLUX: a quoted legacy header saying draft over an entry saying ratified; padded flow rows.
TIDE_FLUX = """---
term: "Tide Flux"
canonical_id: "TIDE_FLUX"
symbol: ""
aliases: []
status: "draft"
version: "0.1"
last_updated: "2026-02-01"
provenance: ["SEA-004"]
---

---
term: Tide Flux
canonical_id: TIDE_FLUX
symbol: dT/dt
aliases: [Flow Rate]
status: ratified
version: 1.0
last_updated: 2026-02-01
provenance:
  sources:
    - module: SEA-004
      lines: "L10-L12"
      snippet: |
        | **Tide Flux** | `dT/dt` | the rate the water climbs |
poetic_connections:
  motifs: [breath, climb]
  association_matrix:
    - [ "MOON_PULL", 0.9 ]
    - [ "SHORE_DRAG", 0.6 ]
---

# Tide Flux

How fast the water climbs.
"""

# Like ENTROPY_PUMP: an empty symbol written with a trailing space; a section sign as the lines value.
HEAT_SINK = """---
term: "Heat Sink"
canonical_id: "HEAT_SINK"
symbol: ""
status: "draft"
version: "0.1"
last_updated: "2026-02-02"
provenance: ["SEA-007_the_cold_floor"]
---

---
term: Heat Sink
canonical_id: HEAT_SINK
symbol: \n\
aliases: []
status: draft
version: 0.1
last_updated: 2026-02-02
provenance:
  sources:
    - module: SEA-007_the_cold_floor
      lines: "§4"
      snippet: |
        It is a "heat sink": it takes warmth in and gives order back.
---

# Heat Sink
"""

# Like SCALE_DYNAMICS: `"bits" or "energy-like"` as a value, and one key twice in a mapping.
DEPTH_FLOW = """---
term: Depth Flow
canonical_id: DEPTH_FLOW
status: candidate
version: 0.1
last_updated: 2026-02-03
operational_definition:
  symbol_table:
    - name: D
      dimensions: "bits" or "energy-like"
formal_mappings:
  adopted:
    - target: Depth Group Flow
      confidence: 0.9
      justification: the same flow equations
      confidence: 0.95
---

# Depth Flow
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.md"
    path.write_bytes(text.encode("utf-8"))
    return path


def changed_lines(before: bytes, after: bytes) -> list[int]:
    old, new = before.decode().split("\n"), after.decode().split("\n")
    assert len(old) == len(new)
    return [i + 1 for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def test_tide_flux_header_disagreement_is_a_warning_on_the_header_line(tmp_path: Path) -> None:
    term = load_term(write(tmp_path, "TIDE_FLUX", TIDE_FLUX), "terms/TIDE_FLUX.md")
    assert term.parses and not term.errors
    (warning,) = [p for p in term.problems if p.code == "header-disagrees"]
    assert (warning.line, warning.source_line) == (4, 'symbol: ""')  # the first field it disagrees on
    assert "symbol '' (entry: 'dT/dt')" in warning.message
    assert "status 'draft' (entry: 'ratified')" in warning.message
    assert "version '0.1' (entry: '1.0')" in warning.message


def test_tide_flux_padded_rows_survive_edits_and_an_append_keeps_their_style(tmp_path: Path) -> None:
    path = write(tmp_path, "TIDE_FLUX", TIDE_FLUX)
    editor = Editor(load_term(path))
    assert editor.render() == TIDE_FLUX.encode()
    editor.set(("poetic_connections", "association_matrix", 1, 1), 0.7)
    assert changed_lines(TIDE_FLUX.encode(), editor.render()) == [30]
    assert '    - [ "SHORE_DRAG", 0.7 ]\n' in editor.render().decode()
    editor.append(("poetic_connections", "association_matrix"), ["LOW_WATER", 0.4])
    assert '    - [ "SHORE_DRAG", 0.7 ]\n    - [ "LOW_WATER", 0.4 ]\n---\n' in editor.render().decode()
    assert editor.data()["poetic_connections"]["association_matrix"][-1] == ["LOW_WATER", 0.4]


def test_heat_sink_trailing_space_and_section_sign_are_kept(tmp_path: Path) -> None:
    assert "symbol: \n" in HEAT_SINK
    path = write(tmp_path, "HEAT_SINK", HEAT_SINK)
    term = load_term(path)
    assert term.parses and term.entry is not None
    assert term.entry["symbol"] is None and term.entry["provenance"]["sources"][0]["lines"] == "§4"
    editor = Editor(term)
    editor.set(("status",), "candidate")
    assert changed_lines(HEAT_SINK.encode(), editor.render()) == [16]
    assert "symbol: \n" in editor.render().decode()  # the neighbour's trailing space is untouched
    editor.set(("symbol",), "Q̇")
    assert changed_lines(HEAT_SINK.encode(), editor.render()) == [14, 16]
    assert "\nsymbol: Q̇\n" in editor.render().decode()


def test_depth_flow_reports_the_bad_value_then_the_duplicate_with_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "DEPTH_FLOW", DEPTH_FLOW)
    term = load_term(path, "terms/DEPTH_FLOW.md")
    (error,) = term.errors
    assert (error.code, error.line, error.source_line) == ("yaml-syntax", 10,
                                                           '      dimensions: "bits" or "energy-like"')
    plan = propose(term)
    assert [r.rule for r in plan.repairs] == ["quoted-prefix"]
    assert plan.hunks[0].new == ("      dimensions: '\"bits\" or \"energy-like\"'",)
    assert not plan.applicable  # the duplicate key needs a person: which confidence is meant?
    (duplicate,) = plan.remaining
    assert (duplicate.code, duplicate.line) == ("duplicate-key", 16)
    assert "first defined on line 14" in duplicate.message


def test_the_seeds_through_the_command_line(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"terms/TIDE_FLUX.md": TIDE_FLUX, "terms/HEAT_SINK.md": HEAT_SINK,
                                         "terms/DEPTH_FLOW.md": DEPTH_FLOW})
    checked = run_cli("check", "--repo", repo)
    assert checked.code == 1
    assert "terms/DEPTH_FLOW.md:10:26: error: yaml-syntax" in checked.out
    assert "terms/TIDE_FLUX.md:4:1: warning: header-disagrees" in checked.out
    assert "3 term(s) checked: 1 error(s)" in checked.out
    refused = run_cli("set", "DEPTH_FLOW", "status", "draft", "--repo", repo, "--as", EDITOR)
    assert refused.code == 1
    assert (repo / "terms" / "DEPTH_FLOW.md").read_text(encoding="utf-8") == DEPTH_FLOW
    edited = run_cli("set", "TIDE_FLUX", "symbol", "dT/dt (m/s)", "--repo", repo, "--as", EDITOR)
    assert edited.code == 0, edited.err
    after = (repo / "terms" / "TIDE_FLUX.md").read_bytes()
    assert "\nsymbol: dT/dt (m/s)\n" in after.decode()
    assert '    - [ "MOON_PULL", 0.9 ]\n' in after.decode()
    assert git(repo, "status", "--porcelain") == ""
