"""Clean drafts: context windows are sentences naming the term as a term (never from excluded bundles),
crosslinks name terms the snippet names as terms, no function word becomes a term, no quoted name
becomes an "evocative line"."""

from __future__ import annotations

import json
from pathlib import Path

from authoring.core.termfile import load_term
from authoring.drafting.termhood import is_weak_name, rank
from tests.conftest import make_repo, run_cli


def stub(term_id: str, name: str) -> str:
    return (f'---\nterm: "{name}"\ncanonical_id: "{term_id}"\nsymbol: ""\naliases: []\nstatus: "draft"\n'
            f'version: "0.1"\nlast_updated: "2026-11-12"\nprovenance: ["TEST-001"]\n---\n\n# {name}\n')


TERMS = {"SYSTEM": "System", "V": "V", "DOMAIN": "Domain", "ACTOR": "Actor", "ENTROPY_PUMP": "Entropy Pump",
         "LAGRANGIAN_HEALTH": "Lagrangian Health", "COHERENCE": "Coherence"}

MODULE = """---
id: TEST-001
title: Quiet Engines
---

## §1 · The Quiet Engine

The **Quiet Engine** is the part of a system that turns the Entropy Pump's waste back into order, as
Lagrangian Health demands. It acts on the domain through V, and once an actor sees it, it stops.
Observers call it "entropy pump." and also "the engine that hums without moving".

## §2 · Later

Quiet Engine output rises with coherence, and the Quiet Engine never sleeps.
"""

OTHER = """---
id: TEST-002
title: Engines Elsewhere
---

## §1 · Elsewhere

- concept:quiet_engine
- Quiet Engine
A Quiet Engine is what keeps a marsh from drowning when the tide stops turning for good.
"""

BUNDLE = """---
id: BUNDLE
title: Everything compiled
---

## §1 · All

**Quiet Engine**: the Quiet Engine is the part of a system that turns waste back into order, compiled.
"""

NO_SECTIONS = """---
id: TEST-003
title: Plain notes
---

# Background

Once the river slows, sediment settles. Once the marsh grows, the Marsh Platform rises with it.
The Marsh Platform keeps pace with the sea while sediment supply holds.
"""


def repo(tmp_path: Path) -> Path:
    files = {f"terms/{i}.md": stub(i, n) for i, n in TERMS.items()}
    files.update({"modules/TEST-001_quiet.md": MODULE, "modules/TEST-002_elsewhere.md": OTHER,
                  "modules/pirouette_bundle.md": BUNDLE, "modules/TEST-003_plain.md": NO_SECTIONS})
    return make_repo(tmp_path / "g", files, 'exclude_from_context = ["pirouette_*.md"]\n')


def test_clean_draft(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = run_cli("--repo", root, "draft", "TEST-001", "--section", "1", "--json")
    assert result.code == 0, result.err
    entry = load_term(root / "terms" / "QUIET_ENGINE.md").entry
    assert entry is not None and entry["term"] == "Quiet Engine"
    windows = entry["context_windows"]
    modules = [w["module"] for w in windows]
    assert "BUNDLE" not in modules and modules[0] == "TEST-001"  # its own module first; the bundle never
    assert windows[0]["excerpt"] == "Quiet Engine output rises with coherence, and the Quiet Engine never sleeps."
    other = next(w for w in windows if w["module"] == "TEST-002")
    assert other["excerpt"].startswith("A Quiet Engine is what keeps a marsh")  # not the engram, not the bare name
    links = entry["crosslinks"]["prerequisites"]
    assert set(links) == {"ENTROPY_PUMP", "LAGRANGIAN_HEALTH"}  # no V, SYSTEM, DOMAIN, ACTOR
    assert entry["poetic_connections"]["evocative_lines"] == ["the engine that hums without moving"]


def test_no_function_word_becomes_the_term(tmp_path: Path) -> None:
    root = repo(tmp_path)
    result = run_cli("--repo", root, "draft", "TEST-003", "--lines", "8-9", "--dry-run", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["term"] == "MARSH_PLATFORM"
    candidates = json.loads(run_cli("--repo", root, "candidates", "TEST-003", "--json").out)
    names = {c["canonical_id"] for c in candidates}
    assert "ONCE" not in names and "BACKGROUND" not in names and "MARSH_PLATFORM" in names


def test_weak_names_and_prose_termhood() -> None:
    for weak in ("once", "Background", "V", "SYSTEM", "domain", "Actor", "the", "of the"):
        assert is_weak_name(weak), weak
    for name in ("Entropy Pump", "Coherence", "sediment budget"):
        assert not is_weak_name(name), name
    text = ["Tidal marshes trap suspended sediment. The sediment budget of a marsh decides its fate.",
            "When the sediment budget is negative, it drowns; suspended sediment settles slowly.",
            "It quickly rises."]
    top = [p.text for p in rank(enumerate(text, 1), limit=6)]
    assert top[0] == "sediment budget" and "suspended sediment" in top
    assert not {"quickly", "rises", "it"} & {t.casefold() for t in top}
