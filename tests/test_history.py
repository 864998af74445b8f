"""`history` and `diff` on real repositories, built through the tool and behind its back."""

from __future__ import annotations

import json
from pathlib import Path

from authoring.workflow.review_log import Action
from tests.conftest import AGENT, EDITOR, EDITOR_2, git, run_cli
from tests.history_builders import LONG_ART, event, new_glossary, plain_commit, term_text, tool_commit


def _history(repo: Path, term_id: str = "TIDAL_LOOM") -> list[dict]:  # type: ignore[type-arg]
    result = run_cli("history", term_id, "--repo", repo, "--json")
    assert result.code == 0, result.err
    data: list[dict] = json.loads(result.out)  # type: ignore[type-arg]
    return data


def _build(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """draft (agent) → edit (editor) → approval (event only) → promote → edit behind the tool's back."""
    repo = new_glossary(tmp_path / "g")
    commits: dict[str, str] = {}
    draft = term_text()
    commits["draft"] = tool_commit(repo, "TIDAL_LOOM", draft, AGENT, "draft", "draft from MOD-001",
                                   [event("TIDAL_LOOM", AGENT, Action.DRAFT, draft, None, "draft", "0.1",
                                          role="agent")], status="draft")
    edited = term_text(art=LONG_ART, version="0.2")
    commits["edit"] = tool_commit(repo, "TIDAL_LOOM", edited, EDITOR, "edit", "edit triad.art")
    commits["approve"] = tool_commit(repo, "TIDAL_LOOM", None, EDITOR_2, "approve", "approve",
                                     [event("TIDAL_LOOM", EDITOR_2, Action.APPROVE, edited, "draft", "draft",
                                            note="Reads well.")])
    promoted = term_text(art=LONG_ART, version="0.2", status="candidate")
    commits["promote"] = tool_commit(repo, "TIDAL_LOOM", promoted, EDITOR_2, "promote",
                                     "promote draft → candidate",
                                     [event("TIDAL_LOOM", EDITOR_2, Action.PROMOTE, promoted, "draft", "candidate",
                                            "0.2")], status="candidate")
    sneaky = term_text(art=LONG_ART, version="0.2", status="candidate",
                       sources=[("MOD-001", "L15", "We measure the push as **Weft Pressure**")])
    commits["sneaky"] = plain_commit(repo, {"terms/TIDAL_LOOM.md": sneaky}, "tweak the source",
                                     "Mallory <mallory@example.org>")
    return repo, commits


def test_history_lists_every_commit_newest_first_with_actions_statuses_and_reviews(tmp_path: Path) -> None:
    repo, commits = _build(tmp_path)
    entries = _history(repo)
    assert [e["commit"] for e in entries] == [commits[k] for k in ("sneaky", "promote", "approve", "edit", "draft")]
    sneaky, promote, approve, edit, draft = entries

    assert draft["action"] == "draft" and draft["author"] == AGENT
    assert (draft["status_before"], draft["status_after"], draft["version_after"]) == (None, "draft", "0.1")
    assert [r["action"] for r in draft["reviews"]] == ["draft"]

    assert edit["action"] == "edit" and edit["author"] == EDITOR
    assert (edit["version_before"], edit["version_after"]) == ("0.1", "0.2")

    assert approve["action"] == "approve" and approve["changes"] == []
    assert approve["status_before"] == approve["status_after"] == "draft"
    assert [(r["action"], r["who"], r["note"]) for r in approve["reviews"]] == [("approve", EDITOR_2, "Reads well.")]

    assert promote["action"] == "promote"
    assert (promote["status_before"], promote["status_after"]) == ("draft", "candidate")
    assert {c["path"]: (c["old"], c["new"]) for c in promote["changes"]} == {"status": ("draft", "candidate")}

    # behind the tool's back: no trailers, so the action is inferred and the author is Git's
    assert sneaky["author"] == "Mallory <mallory@example.org>"
    assert sneaky["action"] == "edit" and sneaky["action_inferred"] is True
    paths = {c["path"] for c in sneaky["changes"]}
    assert {"provenance.sources.0.lines", "provenance.sources.0.snippet"} <= paths


def test_field_changes_are_dotted_paths_and_long_text_is_shown_as_changed(tmp_path: Path) -> None:
    repo, _ = _build(tmp_path)
    edit = _history(repo)[3]
    changes = {c["path"]: c for c in edit["changes"]}
    assert set(changes) == {"version", "triad.art"}
    assert (changes["version"]["old"], changes["version"]["new"]) == ("0.1", "0.2")
    art = changes["triad.art"]
    assert art["old"] == "A shore." and art["summarised"] is True
    assert art["new"] == f"‹text, {len(LONG_ART)} chars›"
    text = run_cli("history", "TIDAL_LOOM", "--repo", repo)
    assert "~ triad.art: changed (A shore. → ‹text, " in text.out
    assert LONG_ART not in text.out


def test_history_follows_a_rename(tmp_path: Path) -> None:
    repo, commits = _build(tmp_path)
    git(repo, "mv", "terms/TIDAL_LOOM.md", "terms/TIDAL_LOOMS.md")
    renamed = (repo / "terms/TIDAL_LOOMS.md").read_text().replace("canonical_id: TIDAL_LOOM",
                                                                   "canonical_id: TIDAL_LOOMS")
    rename = plain_commit(repo, {"terms/TIDAL_LOOMS.md": renamed}, "rename the term")
    entries = _history(repo, "TIDAL_LOOMS")
    assert entries[0]["commit"] == rename
    assert [c["path"] for c in entries[0]["changes"]] == ["canonical_id"]
    # the commits made under the old name, and the old name's review events, are all there
    assert [e["commit"] for e in entries[1:]] == [commits[k] for k in ("sneaky", "promote", "approve", "edit",
                                                                       "draft")]


def test_a_revision_that_does_not_parse_is_shown_with_its_error(tmp_path: Path) -> None:
    repo, _ = _build(tmp_path)
    good = (repo / "terms/TIDAL_LOOM.md").read_text()
    broken = plain_commit(repo, {"terms/TIDAL_LOOM.md": good.replace("law: A law.", "law: `A law.`")}, "break it")
    fixed = plain_commit(repo, {"terms/TIDAL_LOOM.md": good.replace("law: A law.", "law: A law!")}, "fix it")
    entries = _history(repo)
    assert entries[0]["commit"] == fixed and entries[1]["commit"] == broken
    assert "yaml-syntax" in entries[1]["error"] and ":16:8:" in entries[1]["error"]
    assert entries[1]["changes"] == [] and entries[1]["status_after"] is None
    assert "yaml-syntax" in entries[0]["error"]  # its parent does not parse either: no field diff to show
    text = run_cli("history", "TIDAL_LOOM", "--repo", repo).out
    assert "  cannot read: terms/TIDAL_LOOM.md:16:8: error: yaml-syntax" in text
    assert "error: terms/" not in text  # "error:" once, from the located problem (issue 20, item 6)


def test_history_of_an_unknown_term_is_a_usage_error(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g")
    result = run_cli("history", "NOPE", "--repo", repo)
    assert result.code == 2 and "no term NOPE" in result.err and "Traceback" not in result.err


def test_diff_defaults_to_the_last_status_change_or_approval_against_the_working_tree(tmp_path: Path) -> None:
    repo, commits = _build(tmp_path)
    path = repo / "terms/TIDAL_LOOM.md"
    path.write_text(path.read_text().replace("philosophy: A thought.", "philosophy: Two clocks."), encoding="utf-8")
    result = run_cli("diff", "TIDAL_LOOM", "--repo", repo, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["base"] == commits["promote"] and data["base_reason"] == "last status change"
    assert data["target"] == "working tree"
    changes = {c["path"]: (c["old"], c["new"]) for c in data["changes"]}
    assert changes["triad.philosophy"] == ("A thought.", "Two clocks.")
    assert "provenance.sources.0.lines" in changes  # the edit behind the tool's back is in the diff
    assert "status" not in changes

    committed = (repo / "terms/TIDAL_LOOM.md").read_text()
    git(repo, "stash", "--quiet")
    approval = tool_commit(repo, "TIDAL_LOOM", None, EDITOR, "approve", "approve",
                           [event("TIDAL_LOOM", EDITOR, Action.APPROVE, committed, "candidate", "candidate")])
    git(repo, "stash", "pop", "--quiet")
    data = json.loads(run_cli("diff", "TIDAL_LOOM", "--repo", repo, "--json").out)
    assert data["base"] == approval and data["base_reason"] == "last approval"
    assert [(c["path"], c["old"], c["new"]) for c in data["changes"]] == [
        ("triad.philosophy", "A thought.", "Two clocks.")]
    text = run_cli("diff", "TIDAL_LOOM", "--repo", repo).out
    assert "(last approval) → working tree" in text and "~ triad.philosophy: A thought. → Two clocks." in text


def test_diff_between_two_given_revisions(tmp_path: Path) -> None:
    repo, commits = _build(tmp_path)
    result = run_cli("diff", "TIDAL_LOOM", commits["draft"], commits["edit"][:10], "--repo", repo, "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["base"] == commits["draft"] and data["target"] == commits["edit"]
    assert [c["path"] for c in data["changes"]] == ["version", "triad.art"]
    bad = run_cli("diff", "TIDAL_LOOM", "no-such-rev", "--repo", repo)
    assert bad.code == 2 and "names no commit" in bad.err


def test_diff_from_the_last_status_change_when_nothing_was_approved(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    moved = plain_commit(repo, {"terms/TIDAL_LOOM.md": term_text(status="candidate")}, "promote by hand")
    plain_commit(repo, {"terms/TIDAL_LOOM.md": term_text(status="candidate", art="A coast.")}, "edit")
    data = json.loads(run_cli("diff", "TIDAL_LOOM", "--repo", repo, "--json").out)
    assert data["base"] == moved and data["base_reason"] == "last status change"
    assert [(c["path"], c["old"], c["new"]) for c in data["changes"]] == [("triad.art", "A shore.", "A coast.")]


def test_history_and_audit_read_entries_with_numeric_keys(tmp_path: Path) -> None:
    # YAML allows `1:` beside `name:`; the corpus has such mappings, and content revisions must not choke
    text = term_text().replace("  units: dimensionless", "  units: dimensionless\n  1: first\n  name: x")
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": text})
    plain_commit(repo, {"terms/TIDAL_LOOM.md": text.replace("1: first", "1: one")}, "edit")
    entries = _history(repo)
    assert [(c["path"], c["old"], c["new"]) for c in entries[0]["changes"]] == [
        ("operational_definition.1", "first", "one")]
    result = run_cli("audit", "--repo", repo, "--json")
    assert result.code == 0, result.err


def test_history_through_a_merge_shows_both_branches_and_the_merge(tmp_path: Path) -> None:
    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    base = (repo / "terms/TIDAL_LOOM.md").read_text()
    git(repo, "checkout", "--quiet", "-b", "other")
    theirs = plain_commit(repo, {"terms/TIDAL_LOOM.md": base.replace("art: A shore.", "art: A coast.")}, "art")
    git(repo, "checkout", "--quiet", "main")
    ours = plain_commit(repo, {"terms/TIDAL_LOOM.md": base.replace("units: dimensionless", "units: seconds")},
                        "units")
    git(repo, "merge", "--quiet", "--no-edit", "other")
    merge = git(repo, "rev-parse", "HEAD").strip()
    entries = _history(repo)
    by_commit = {e["commit"]: e for e in entries}
    assert {theirs, ours, merge} <= set(by_commit)
    assert [c["path"] for c in by_commit[theirs]["changes"]] == ["triad.art"]
    assert [c["path"] for c in by_commit[ours]["changes"]] == ["operational_definition.units"]
    # the merge, against its first parent, brings in the other branch's change
    assert [c["path"] for c in by_commit[merge]["changes"]] == ["triad.art"]
    assert entries[-1]["action"] == "create"


def test_blobs_are_read_in_one_batch_and_unknown_ids_are_left_out(tmp_path: Path) -> None:
    from authoring.repo.git import Git, blob_id

    repo = new_glossary(tmp_path / "g", {"TIDAL_LOOM": term_text()})
    data = (repo / "terms/TIDAL_LOOM.md").read_bytes()
    empty = plain_commit(repo, {"terms/EMPTY.md": ""}, "an empty file")
    assert empty
    with Git(repo) as g:
        found = g.read_blobs([blob_id(data), "0" * 40, blob_id(b""), blob_id(data)])
        assert found == {blob_id(data): data, blob_id(b""): b""}
        assert g.blob_at("HEAD", "terms/TIDAL_LOOM.md") == blob_id(data)
        assert g.read_blob("HEAD:terms/TIDAL_LOOM.md") == data
