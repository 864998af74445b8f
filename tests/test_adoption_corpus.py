"""Adopting the real upstream layout (the corpus with `modules_subfolders/` under `modules/`): every module
is found, `candidates` works on subfolder modules, the audit after adoption has no import noise, and the
adopting editor cannot ratify what the audit would call self-approval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EDITOR, EDITOR_2, run_cli

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

IMPORTER = "Bench Importer <import@example.org>"  # who committed the import (benchmarks.corpus_repo)
IMPORT_NOISE = {"unreviewed-status", "ratified-without-review", "unreviewed-status-change"}


def _audit(repo: Path) -> dict[str, object]:
    result = run_cli("audit", "--repo", repo, "--json")
    assert result.code in (0, 1), result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_adopting_the_upstream_layout(upstream_clone: Path) -> None:
    repo = upstream_clone
    listed = run_cli("list", "--repo", repo)
    assert listed.code == 2 and "authoring adopt" in listed.err  # no config: a hint, not "no terms"

    # Before adoption, with the README's two lines: the import noise the issue measured.
    (repo / "authoring.toml").write_text('terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n',
                                         encoding="utf-8")
    before = _audit(repo)["summary"]["by_code"]  # type: ignore[index]
    assert sum(before.get(code, 0) for code in IMPORT_NOISE) > 800
    (repo / "authoring.toml").unlink()

    adopted = run_cli("adopt", "--repo", repo, "--as", EDITOR, "--json")
    assert adopted.code == 0, adopted.err
    report = json.loads(adopted.out)
    assert report["terms_dir"] == "modules/dictionary" and report["modules_dirs"] == ["modules", "modules/*"]
    assert "pirouette_version_6.md" in report["exclude_from_context"]
    assert sum(report["statuses"].values()) == 1691

    # Every module stem of modules/ and its subfolders is listed (originals/ and rejected_modules/ only
    # when named, as documented).
    rows = json.loads(run_cli("modules", "--repo", repo, "--json").out)
    listed_stems = {Path(row["path"]).stem for row in rows}
    modules = repo / "modules"
    expected = {p.stem for folder in (modules, *(f for f in modules.iterdir() if f.is_dir()))
                if folder.name not in ("dictionary", "originals", "rejected_modules") for p in folder.glob("*.md")}
    assert len(expected) > 600
    assert expected - listed_stems == set()
    for module, path in (("PPS-019", "modules/Volume_5/"), ("TLE-001", "modules/TLE/")):
        found = run_cli("candidates", module, "--repo", repo)
        assert found.code == 0, found.err
        assert f"({path}{module}_" in found.out.splitlines()[0]
    unknown = run_cli("candidates", "TLE-999", "--repo", repo)
    assert "searched: modules, modules/TLE, modules/Volume_5" in unknown.err and "did you mean TLE-" in unknown.err

    after = _audit(repo)
    by_code = after["summary"]["by_code"]  # type: ignore[index]
    assert not IMPORT_NOISE & set(by_code), by_code

    # The importer (author of the import commit) adopts nothing by importing: a candidate whose content
    # names other editors can be approved by them and ratified; the audit then finds no self-approval.
    summaries = json.loads(run_cli("list", "--repo", repo, "--json", "--status", "candidate").out)
    term = next(s["id"] for s in summaries if s["errors"] == 0)
    approved = run_cli("review", term, "--approve", "--repo", repo, "--as", IMPORTER)
    assert approved.code == 0, approved.err
    ratified = run_cli("promote", term, "--to", "ratified", "--repo", repo, "--as", EDITOR_2)
    assert ratified.code == 0, ratified.err
    findings = _audit(repo)["findings"]
    about = {f["code"] for f in findings if f["term"] == term}  # type: ignore[attr-defined]
    assert not about & {"self-approval", "ratification-without-approval", "unreviewed-status-change"}, about
