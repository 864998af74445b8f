"""Workflow commands: `review`, `promote`, `demote`, `reject`, `deprecate`, `fold-headers`, `gates`.

Each is one call to the repository service, which checks the gates, writes the term and its review
event, and commits them; a refusal exits 3 naming every unmet gate, a conflict exits 4.

Must never: parse YAML or run Git itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from authoring.cli.app import app
from authoring.cli.options import emit, fail_usage, open_glossary, run
from authoring.errors import ExitCode

if TYPE_CHECKING:
    from authoring.repo.service import ActionResult, Glossary

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The term's canonical id.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why: recorded in the review log.")]


def _act(action: Callable[[Glossary], ActionResult]) -> None:
    def body() -> None:
        with open_glossary() as glossary:
            result = action(glossary)
        emit(result.to_json(), result.message)

    run(body)


def _act_each(name: str, term_ids: list[str], act: Callable[[Glossary, str], ActionResult]) -> None:
    """One id: as `_act`. Several: each its own commit, every outcome reported, exit code of the first failure."""
    if len(term_ids) == 1:
        _act(lambda g: act(g, term_ids[0]))
        return

    def body() -> None:
        with open_glossary() as glossary:
            result = glossary.each(name, term_ids, act)
        emit(result.to_json(), result.describe)
        if result.exit_code:
            raise SystemExit(result.exit_code)

    run(body)


IdsArg = Annotated[list[str], typer.Argument(metavar="ID…", help="The terms' canonical ids (each its own commit).")]


@app.command("review")
def review(
    term_ids: IdsArg,
    approve: Annotated[bool, typer.Option("--approve", help="Approve the current content.")] = False,
    request_changes: Annotated[bool, typer.Option("--request-changes", help="Ask for changes (needs --note).")] = False,
    comment: Annotated[bool, typer.Option("--comment", help="Comment (needs --note).")] = False,
    note: NoteOpt = None,
    revision: Annotated[str | None, typer.Option(
        "--revision", metavar="REV", help="The content revision you reviewed (`gates --json`); refused if it moved.")
    ] = None,
) -> None:
    """Record a review (approve, request changes, comment) and commit it."""
    chosen = [name for name, on in (("approve", approve), ("request_changes", request_changes),
                                    ("comment", comment)) if on]
    if len(chosen) != 1:
        fail_usage("review needs exactly one of --approve, --request-changes, --comment")
    if revision is not None and len(term_ids) > 1:
        fail_usage("--revision binds a review to one term's content: name one term with it")
    _act_each(chosen[0], term_ids, lambda g, term_id: g.review(term_id, chosen[0], note, revision))


@app.command("promote")
def promote(
    term_id: IdArg,
    to: Annotated[str | None, typer.Option("--to", metavar="STATUS", help="candidate or ratified.")] = None,
    note: NoteOpt = None,
) -> None:
    """Move a term up (draft → candidate → ratified) through the gates, and commit it."""
    _act(lambda g: g.promote(term_id, to, note))


@app.command("demote")
def demote(
    term_id: IdArg,
    to: Annotated[str, typer.Option("--to", metavar="STATUS", help="draft or candidate.")],
    note: Annotated[str, typer.Option("--note", help="Why the term moves back.")],
) -> None:
    """Move a term back (ratified → candidate → draft; rejected → draft), with a note, and commit it."""
    _act(lambda g: g.demote(term_id, to, note))


@app.command("reject")
def reject(
    term_id: IdArg,
    note: Annotated[str, typer.Option("--note", help="Why the term is rejected (agents are told).")],
) -> None:
    """End a draft or candidate as rejected (the file stays), with a note, and commit it."""
    _act(lambda g: g.reject(term_id, note))


@app.command("deprecate")
def deprecate(
    term_id: IdArg,
    note: Annotated[str, typer.Option("--note", help="Why the term is retired.")],
    superseded_by: Annotated[str | None, typer.Option("--superseded-by", metavar="ID",
                                                      help="The term that replaces it.")] = None,
) -> None:
    """Retire a ratified term, optionally naming its successor, and commit it."""
    _act(lambda g: g.deprecate(term_id, note, superseded_by))


@app.command("fold-headers")
def fold_headers(
    term_ids: Annotated[list[str] | None, typer.Argument(metavar="[ID…]", help="The terms (or --all).")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every term that has legacy headers, in one commit.")] = False,
) -> None:
    """Fold terms' legacy headers into their entries (headers take the entry's values), a commit per term."""
    if every == bool(term_ids):
        fail_usage("fold-headers takes term IDs or --all (not both)")
    if term_ids:
        _act_each("fold-headers", term_ids, lambda g, term_id: g.fold_headers(term_id))
        return

    def body() -> None:
        from authoring.cli.progress import TerminalProgress

        with open_glossary() as glossary, TerminalProgress("folding") as shown:
            result = glossary.fold_all_headers(lambda done, total: shown.update(done, total, "folding headers"))
        emit(result.to_json(), result.describe)

    run(body)


@app.command("gates")
def gates(
    term_id: IdArg,
    to: Annotated[str | None, typer.Option("--to", metavar="STATUS", help="candidate or ratified.")] = None,
) -> None:
    """What promoting a term would need, gate by gate (exit 3 when something is missing); writes nothing.
    With --json: the whole review view (the moves allowed, checklist, events, diff) beside the gates."""

    def body() -> None:
        with open_glossary() as glossary:
            view = glossary.review_view(term_id, to)
        if view.refusal is not None or view.gates is None:
            raise view.refusal or SystemExit(ExitCode.REFUSED)
        report = view.gates
        if report.end:  # nothing follows the status: an answer, exit 0
            emit(view.to_json(), f"{term_id}: {report.status}: {report.end}")
            return

        def text() -> str:
            head = f"{term_id}: {report.status} → {report.target or '?'}"
            if report.ready:
                return f"{head}: every gate is met"
            return "\n".join([f"{head}: {len(report.missing)} unmet gate(s)", *[f"  - {m}" for m in report.missing]])

        emit(view.to_json(), text)
        if not report.ready:
            raise SystemExit(ExitCode.REFUSED)

    run(body)
