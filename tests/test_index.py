"""The term index never serves stale data: edits made behind its back, a damaged store and two
processes building it at once all leave `check` and `list` exactly as a fresh, slow reading says."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from deepdiff import DeepDiff

from authoring.core.summary import summarise
from authoring.core.termfile import load_term
from authoring.repo.index import IndexProgress, TermIndex, index_dir
from authoring.repo.service import Glossary
from tests.conftest import ROOT, git, run_cli, run_cli_on_terminal, run_cli_process


def truth(repo: Path) -> list[dict[str, object]]:
    """Every term's summary as the round-trip parser makes it, without any index."""
    with Glossary.open(repo) as glossary:
        return [summarise(load_term(glossary.term_path(i), glossary.display(glossary.term_path(i)))).to_json()
                for i in glossary.term_ids()]


def indexed(repo: Path) -> list[dict[str, object]]:
    with Glossary.open(repo) as glossary:
        return [s.to_json() for s in glossary.summaries()]


def store_of(repo: Path) -> Path:
    with Glossary.open(repo) as glossary:
        return glossary.index.path


def check_json(repo: Path) -> dict[str, object]:
    result = run_cli("check", "--repo", repo, "--json")
    assert result.code in (0, 1), result.err
    data: dict[str, object] = json.loads(result.out)
    return data


def test_index_matches_a_fresh_reading_and_lives_inside_git(demo_repo: Path) -> None:
    assert DeepDiff(truth(demo_repo), indexed(demo_repo)) == {}
    store = store_of(demo_repo)
    assert store.is_file() and ".git" in store.parts
    assert git(demo_repo, "status", "--porcelain") == ""  # nothing to commit by mistake
    assert DeepDiff(truth(demo_repo), indexed(demo_repo)) == {}  # warm: served from the store


def test_check_sees_an_edit_of_the_same_size_with_the_mtime_put_back(demo_repo: Path) -> None:
    path = demo_repo / "terms" / "SLACK_WATER.md"
    before = check_json(demo_repo)
    text = path.read_bytes()
    assert b"status: draft" in text
    st = path.stat()
    path.write_bytes(text.replace(b"status: draft", b"status: drafx"))  # same size, now a schema error
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime as the indexed version
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    after = check_json(demo_repo)
    assert after != before
    assert any(p["path"] == "terms/SLACK_WATER.md" and "status" in p["message"]
               for p in after["problems"])  # type: ignore[union-attr, index]
    assert DeepDiff(truth(demo_repo), indexed(demo_repo)) == {}


def test_an_edit_within_the_same_timestamp_tick_is_seen(demo_repo: Path) -> None:
    """Written, indexed and rewritten (same size) faster than the clock ticks: the record was racy, so it is hashed."""
    path = demo_repo / "terms" / "KNOT_DRIFT.md"
    text = path.read_bytes()
    path.write_bytes(text)  # a fresh mtime: the next record is racy
    first = indexed(demo_repo)
    st = path.stat()
    assert b'status: "draft"' in text
    path.write_bytes(text.replace(b'status: "draft"', b'status: "drafy"'))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = indexed(demo_repo)
    assert DeepDiff(first, second) != {}
    assert DeepDiff(truth(demo_repo), second) == {}


def test_added_and_removed_terms_are_seen(demo_repo: Path) -> None:
    indexed(demo_repo)
    terms = demo_repo / "terms"
    (terms / "NEW_TERM.md").write_bytes((terms / "SLACK_WATER.md").read_bytes())
    (terms / "KNOT_DRIFT.md").unlink()
    rows = indexed(demo_repo)
    assert [r["id"] for r in rows] == sorted(["TIDAL_LOOM", "WEFT_PRESSURE", "SLACK_WATER", "SHUTTLE_ECHO",
                                              "NEW_TERM"])
    new = next(r for r in rows if r["id"] == "NEW_TERM")
    assert any(p["code"] == "id-mismatch" for p in new["problems"])  # type: ignore[union-attr, index]
    assert DeepDiff(truth(demo_repo), rows) == {}


def test_a_damaged_store_is_rebuilt_never_believed(demo_repo: Path) -> None:
    expected = truth(demo_repo)
    indexed(demo_repo)
    store = store_of(demo_repo)
    good = store.read_bytes()
    header, _, payload = good.partition(b"\n")
    tampered = payload.replace(b"SLACK_WATER", b"SLACK_WATEX")
    damaged = [
        good[: len(good) // 2],  # truncated mid-write
        b"",  # empty
        b"\x00\xff garbage",  # not JSON
        header + b"\n" + tampered,  # changed after the digest was taken
        json.dumps({"format": 999}).encode() + b"\n{}",  # another format
        b'{"format": 1, "code": "someone else\'s checker", "digest": ""}\n{}',
    ]
    for content in damaged:
        store.write_bytes(content)
        assert DeepDiff(expected, indexed(demo_repo)) == {}, content[:40]
        assert store.read_bytes().partition(b"\n")[0] != b""  # rewritten whole


def test_a_lying_entry_for_other_bytes_is_not_served(demo_repo: Path, tmp_path: Path) -> None:
    """An entry whose stat no longer matches is trusted only if the content hash does."""
    indexed(demo_repo)
    path = demo_repo / "terms" / "TIDAL_LOOM.md"
    path.write_bytes(path.read_bytes() + b"\nMore body text.\n")
    assert DeepDiff(truth(demo_repo), indexed(demo_repo)) == {}


def test_two_processes_building_at_once_stay_correct(demo_repo: Path) -> None:
    expected = check_json(demo_repo)
    store_of(demo_repo).unlink()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    procs = [subprocess.Popen([sys.executable, "-m", "authoring", "check", "--json", "--repo", str(demo_repo)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for (out, err), proc in zip(outputs, procs, strict=True):
        assert proc.returncode == 1, err
        assert DeepDiff(expected, json.loads(out)) == {}
    assert DeepDiff(expected, check_json(demo_repo)) == {}  # and the store they left is sound
    assert DeepDiff(truth(demo_repo), indexed(demo_repo)) == {}


def test_cached_summaries_are_instant_and_progress_reports_every_term(demo_repo: Path) -> None:
    with Glossary.open(demo_repo) as glossary:
        assert glossary.cached_summaries() == []  # never indexed
        steps: list[IndexProgress] = []
        rows = glossary.summaries(progress=steps.append)
        assert steps[-1].done == steps[-1].total == len(rows) == 5
        assert sorted(s.id for step in steps for s in step.summaries) == sorted(r.id for r in rows)
        assert [s.id for s in glossary.cached_summaries()] == [r.id for r in rows]
        steps.clear()
        glossary.summaries(progress=steps.append)  # warm: one step, nothing rebuilt
        assert [(s.done, s.total, s.summaries) for s in steps] == [(5, 5, [])]


def test_the_store_falls_back_to_the_cache_directory(tmp_path: Path, monkeypatch: object) -> None:
    not_a_dir = tmp_path / "gitdir-file"
    not_a_dir.write_text("gitdir: elsewhere\n")
    place = index_dir(not_a_dir, tmp_path)
    assert place.is_relative_to(Path(os.environ["XDG_CACHE_HOME"]) / "authoring")


def test_a_pool_builds_the_same_summaries(demo_repo: Path, tmp_path: Path) -> None:
    terms = tmp_path / "terms"
    terms.mkdir()
    sources = sorted((demo_repo / "terms").glob("*.md"))
    names = []
    for i in range(60):
        source = sources[i % len(sources)]
        name = f"{source.stem}_{i:03d}"
        (terms / f"{name}.md").write_bytes(source.read_bytes())
        names.append(name)
    serial = TermIndex(tmp_path / "a", terms, lambda p: p.name).refresh(names, workers=1)
    pooled = TermIndex(tmp_path / "b", terms, lambda p: p.name).refresh(names, workers=2)
    assert DeepDiff([s.to_json() for s in serial], [s.to_json() for s in pooled]) == {}


def test_check_shows_progress_on_a_terminal_only(demo_repo: Path) -> None:
    piped = run_cli_process("check", "--repo", demo_repo)
    assert "checking" not in piped.err and piped.err == ""
    done = run_cli_on_terminal("check", "--repo", demo_repo)
    assert done.code == 1
    assert "checking 5/5" in done.err
    assert "checking" not in done.out
    quiet = run_cli_process("check", "--repo", demo_repo, "--json")
    assert quiet.err == ""
