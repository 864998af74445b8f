"""A malformed term's status is what its entry block says (read as a line), not its legacy header's."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import make_repo, run_cli

HEADER = "---\nterm: Flux\ncanonical_id: FLUX\nstatus: draft\n---\n\n"
BROKEN_ENTRY = "---\nterm: Flux\ncanonical_id: FLUX\nstatus: {status}\nsymbol: `F`\n---\n# Flux\n"


def _statuses(repo: Path, *args: str) -> dict[str, str | None]:
    result = run_cli("list", "--repo", repo, "--json", *args)
    assert result.code == 0, result.err
    return {row["id"]: row["status"] for row in json.loads(result.out)}


def test_status_of_a_malformed_entry_is_read_from_the_entry_not_the_header(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "g", {
        "terms/FLUX.md": HEADER + BROKEN_ENTRY.format(status="ratified"),
        "terms/FLOW.md": HEADER.replace("Flux", "Flow").replace("FLUX", "FLOW")
        + BROKEN_ENTRY.format(status="'candidate'  # quoted, with a comment").replace("FLUX", "FLOW"),
        "terms/STUB.md": HEADER.replace("FLUX", "STUB") + "---\nterm: Stub\nsymbol: `S`\n---\n",
    })
    assert _statuses(repo) == {"FLOW": "candidate", "FLUX": "ratified", "STUB": "draft"}  # STUB: the header's
    assert _statuses(repo, "--status", "ratified") == {"FLUX": "ratified"}
