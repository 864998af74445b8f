"""Module sources as a set of folders (`modules_dirs`): precedence, exclusions, context bundles, and the
one resolver every face and the audit use, with "did you mean" when a reference names nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from authoring.core.module_refs import ModuleIndex, ModuleSources
from authoring.drafting.modules import ModuleLibrary
from authoring.errors import NotFound
from tests.conftest import run_cli
from tests.test_adoption import _module, upstream  # noqa: F401  (the fixture)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_top_level_first_and_skipped_folders_only_when_named(tmp_path: Path) -> None:
    _write(tmp_path, {
        "modules/CORE-000_void.md": _module("Top", "top"),
        "modules/Volume_5/CORE-000_void.md": _module("Copy", "copy"),
        "modules/Volume_5/PPS-019_residue.md": _module("Residue", "r"),
        "modules/Volume_5/originals/PPS-020_old.md": _module("Old", "o"),
        "modules/rejected_modules/PNS-002_first.md": _module("Rejected", "x"),
        "modules/dictionary/TERM.md": "---\ncanonical_id: TERM\n---\n",
        "modules/drafts/WIP-001.md": _module("Wip", "w"),
    })
    sources = ModuleSources(tmp_path, ("modules", "modules/**"), exclude=("modules/drafts",),
                            terms_dir="modules/dictionary")
    index = ModuleIndex.scan(sources)
    stems = [p.relative_to(tmp_path).as_posix() for p in index.files]
    assert stems == ["modules/CORE-000_void.md", "modules/Volume_5/PPS-019_residue.md"]
    assert index.resolve("CORE-000") == tmp_path / "modules/CORE-000_void.md"
    assert index.shadowed == {tmp_path / "modules/Volume_5/CORE-000_void.md": tmp_path / "modules/CORE-000_void.md"}
    named = ModuleIndex.scan(ModuleSources(tmp_path, ("modules/*", "modules/rejected_modules"),
                                           terms_dir="modules/dictionary"))
    assert named.resolve("PNS-002") == tmp_path / "modules/rejected_modules/PNS-002_first.md"
    assert named.resolve("CORE-000") == tmp_path / "modules/Volume_5/CORE-000_void.md"  # order written wins


def test_a_module_id_in_two_folders_resolves_to_the_earlier_folder(tmp_path: Path) -> None:
    _write(tmp_path, {"a/DOMA-001_new.md": _module("New", "n"), "b/DOMA-001_old.md": _module("Old", "o")})
    index = ModuleIndex.scan(ModuleSources(tmp_path, ("a", "b")))
    assert index.resolve("DOMA-001") == tmp_path / "a/DOMA-001_new.md"


def test_an_unknown_module_names_the_folders_searched_and_close_stems(tmp_path: Path) -> None:
    _write(tmp_path, {"modules/TLE/TLE-001_the_application_of_entropy.md": _module("Will", "w"),
                      "modules/DOMA-205_x.md": _module("D", "d")})
    library = ModuleLibrary(ModuleSources(tmp_path, ("modules", "modules/*")), tmp_path)
    with pytest.raises(NotFound) as raised:
        library.resolve("TLE-01")
    message = str(raised.value)
    assert "modules, modules/* (searched: modules, modules/TLE)" in message
    assert "did you mean TLE-001_the_application_of_entropy" in message


def test_config_reads_modules_dirs_and_refuses_both_spellings(upstream: Path) -> None:  # noqa: F811
    config = upstream / "authoring.toml"
    config.write_text('terms_dir = "modules/dictionary"\nmodules_dirs = ["modules", "modules/*"]\n'
                      'exclude_from_context = ["pirouette_version_6.md"]\n', encoding="utf-8")
    listed = json.loads(run_cli("modules", "--repo", upstream, "--json").out)
    paths = {row["path"] for row in listed}
    assert "modules/Volume_5/PPS-019_the_residue_principle.md" in paths
    assert "modules/TLE/TLE-001_the_application_of_entropy.md" in paths
    assert not any("originals/" in p or "rejected_modules/" in p or "dictionary/" in p for p in paths)
    assert run_cli("candidates", "PPS-019", "--repo", upstream).code == 0
    config.write_text('terms_dir = "modules/dictionary"\nmodules_dir = "modules"\n', encoding="utf-8")
    one = run_cli("candidates", "TLE-001", "--repo", upstream)  # `modules_dir` alone: the top level only
    assert one.code != 0 and "no module 'TLE-001' in modules (searched: modules)" in one.err
    config.write_text('modules_dir = "modules"\nmodules_dirs = ["modules"]\n', encoding="utf-8")
    both = run_cli("modules", "--repo", upstream)
    assert both.code == 2 and "not both" in both.err


def test_a_compiled_bundle_never_feeds_context_windows(upstream: Path) -> None:  # noqa: F811
    base = 'terms_dir = "modules/dictionary"\nmodules_dirs = ["modules", "modules/*"]\n'
    (upstream / "authoring.toml").write_text(base, encoding="utf-8")
    args = ("draft", "PPS-019", "--section", "1", "--term", "Residue Principle", "--dry-run", "--json")
    plain = run_cli(*args, "--repo", upstream)
    assert plain.code == 0, plain.err
    windows = json.loads(plain.out)["text"].split("context_windows:", 1)[1].split("\n", 3)[:3]
    assert "  - module: pirouette" in windows  # the bundle mentions everything …
    (upstream / "authoring.toml").write_text(base + 'exclude_from_context = ["pirouette_version_6.md"]\n',
                                             encoding="utf-8")
    excluded = run_cli(*args, "--repo", upstream)
    assert excluded.code == 0, excluded.err
    assert "- module: pirouette\n" not in json.loads(excluded.out)["text"]  # … and is kept out


def test_unresolved_module_references_are_audit_findings_with_did_you_mean(upstream: Path) -> None:  # noqa: F811
    path = upstream / "modules" / "dictionary" / "SLACK_WATER.md"
    text = path.read_text(encoding="utf-8").replace("parents: [DEMO-001]", "parents: [DEMO-01, TIDAL_LOOM, TLE-001]")
    path.write_text(text, encoding="utf-8")
    (upstream / "authoring.toml").write_text('terms_dir = "modules/dictionary"\nmodules_dirs = ["modules", '
                                             '"modules/*"]\n', encoding="utf-8")
    audit = json.loads(run_cli("audit", "--repo", upstream, "--json").out)
    missing = [f["message"] for f in audit["findings"] if f["code"] == "module-missing" and f["term"] == "SLACK_WATER"]
    assert len(missing) == 1, missing  # TIDAL_LOOM is a parent term, TLE-001 a module in a subfolder
    assert missing[0].startswith("parents.0: DEMO-01 names no module in modules, modules/*")
    assert "did you mean DEMO-001_the_tidal_loom" in missing[0]
