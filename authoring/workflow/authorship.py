"""Who authored a review event: the one rule the gates and the audit share (see docs/TRUST.md).

A review event file says `who: Name <email>`; anyone can write that. What Git records is which commit
added the file, that commit's author and committer, and (when signed) the principal whose key
signed it. An event *counts* only when:

- it sits in its own term's folder (`review_logs/A/` holds only events whose `term:` is `A`);
- it was added by a commit we can name (not untracked, not slipped in by a merge, never rewritten
  since), and that commit's **author** is the event's `who` (matched by email);
- with signatures required, that commit carries a good signature whose **principal** is the same
  email, verified against the signers of a trusted revision.

An event that counts may still be worth a warning: an approval or a status move whose committer is
not its author is a claim (`--as`) nobody proved, unless the author signed it (`unverified-identity`;
an error when signatures are required). A commit made by a configured agent that claims an editor's
identity is always an error (`agent-impersonation`).

Must never: touch Git, files or a UI. The repository service gathers the facts (`Adder`) and asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from authoring.errors import Severity
from authoring.workflow.identity import email_of
from authoring.workflow.review_log import Action, ReviewEvent

CLAIMED_ACTIONS = frozenset({Action.APPROVE, Action.PROMOTE, Action.DEMOTE, Action.REJECT, Action.DEPRECATE,
                             Action.UNDO})
"""The events whose committer must be their author (or be signed by the author): an approval and a
status move are what ratification stands on (and an undo withdraws one or moves a status back)."""


@dataclass(frozen=True)
class Adder:
    """The commit that added an event file, as Git records it."""

    commit: str
    """The commit id."""
    author: str
    """Its author, `Name <email>`."""
    committer: str
    """Its committer, `Name <email>`."""
    signature: str | None = None
    """Git's verdict on its signature (`G` good, `N` none, `B` bad, `U`/`E` …); None when not asked."""
    signer: str = ""
    """The principal the signature verified as (an email in an allowed-signers file); empty when none."""
    rewritten: bool = False
    """True when the file was changed after this commit added it (event files are never rewritten)."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with an event's authorship."""

    severity: Severity
    code: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """Whether an event counts, and what is wrong with it (the findings may stand even when it counts)."""

    counts: bool
    findings: tuple[Finding, ...] = ()


def authored(event: ReviewEvent, folder: str, adder: Adder | None, *, require_signed: bool,
             agents: frozenset[str] = frozenset()) -> Verdict:
    """Judge one event: does it count, and what should an audit say about it?

    `folder` is the term folder the file sits in; `adder` the commit that added it (None: no commit
    did, as far as Git can tell); `agents` the lower-cased emails of the configured agents.
    """
    where = f"{event.action.value} by {event.who}"
    if event.term != folder:
        return _forged(f"{where} sits in the folder of {folder} but says term {event.term}")
    if adder is None:
        return _forged(f"{where} was added by no commit on this branch (untracked, or slipped in by a merge)")
    short = adder.commit[:10]
    if adder.rewritten:
        return _forged(f"{where} was changed after {short} added it; event files are never rewritten")
    author, committer = email_of(adder.author), email_of(adder.committer)
    if author != event.who_email:
        return _forged(f"{where} was added by {short}, authored by {adder.author}: the author is not who the"
                       " event names")
    findings: list[Finding] = []
    signed_by_author = adder.signature == "G" and adder.signer.lower() == author
    if require_signed and not signed_by_author:
        if adder.signature in (None, "N"):
            findings.append(Finding(Severity.ERROR, "unsigned-event", f"{where} in {short}: the commit is not signed"))
        elif adder.signature == "G":
            findings.append(Finding(Severity.ERROR, "wrongly-signed-event",
                                    f"{where} in {short}: signed by {adder.signer or 'an unnamed principal'},"
                                    f" not by its author {author}"))
        else:
            findings.append(Finding(Severity.ERROR, "bad-signature",
                                    f"{where} in {short}: the signature does not verify against the trusted"
                                    f" signers (verdict {adder.signature})"))
    if committer != author and not signed_by_author:
        if committer in agents and author not in agents:
            findings.append(Finding(Severity.ERROR, "agent-impersonation",
                                    f"{where} in {short} was committed by the agent {adder.committer}"))
        elif event.action in CLAIMED_ACTIONS:
            findings.append(Finding(Severity.ERROR if require_signed else Severity.WARNING, "unverified-identity",
                                    f"{where} in {short} was committed by {adder.committer}: a claim nobody"
                                    " signed"))
    counts = not any(f.severity is Severity.ERROR for f in findings)
    return Verdict(counts, tuple(findings))


def _forged(message: str) -> Verdict:
    return Verdict(False, (Finding(Severity.ERROR, "forged-event", message),))
