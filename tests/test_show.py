"""`show`: a term as readable sections for people; `--json` keeps the data for tools."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli


def test_show_reads_as_sections_not_a_data_dump(demo_repo: Path) -> None:
    result = run_cli("show", "TIDAL_LOOM", "--repo", demo_repo)
    assert result.code == 0, result.err
    lines = result.out.split("\n")
    assert lines[0] == "Tidal Loom  TIDAL_LOOM  (terms/TIDAL_LOOM.md)"
    assert lines[1] == "status: ratified  version: 1.0  last updated: 2026-11-02"
    for heading in ("Pirouette definition", "Triad", "Operational definition", "Provenance", "Crosslinks"):
        assert heading in lines
    assert "  art: A shore that weaves: the moon lays the warp, the wind throws the shuttle." in lines
    assert "    - module: DEMO-001" in lines and "      lines: L29-L30" in lines
    assert "  downstream effects: WEFT_PRESSURE, KNOT_DRIFT" in lines
    assert "{" not in result.out and '"triad"' not in result.out


def test_show_of_a_malformed_term_leads_with_its_located_problem(demo_repo: Path) -> None:
    result = run_cli("show", "SHUTTLE_ECHO", "--repo", demo_repo)
    assert result.code == 1
    assert "the entry does not parse" in result.out and "term: Shuttle Echo" in result.out  # what can be read
    assert "Problems (1)\n  terms/SHUTTLE_ECHO.md:4:9: error: yaml-syntax" in result.out
    assert "      symbol: `S_e`" in result.out


def test_show_json_keeps_the_data(demo_repo: Path) -> None:
    data = json.loads(run_cli("show", "TIDAL_LOOM", "--json", "--repo", demo_repo).out)
    assert set(data) == {"id", "path", "parses", "entry", "problems", "readable", "body", "grounding"}
    assert data["entry"]["triad"]["art"].startswith("A shore that weaves")
