"""The catalogue of problem and finding codes: one member per code, with its severity, meaning and fix.

Codes are what scripts match on (`check`, `audit --json`, `repair`), so they are stable: a code is
added here, never renamed. `Code` is a `StrEnum`, so a member equals its text (`Code.YAML_SYNTAX ==
"yaml-syntax"`) and JSON output is unchanged. `authoring check --explain [CODE]` prints entries, and
`docs/CODES.md` is generated from this module (`python -m authoring.codes > docs/CODES.md`; a test
keeps the two equal).

Must never: import anything above `authoring.errors` (every layer reads it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from authoring.errors import Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class About:
    """What a code means: who reports it, how severe it usually is, what it means and how to fix it."""

    reporter: str
    """`check` (a term file on its own), `audit` (the trail and the repository), `repair`, `config`, `export`
    or `import`."""
    severity: Severity
    """The severity it is usually reported with (a few codes vary; the entry says when)."""
    meaning: str
    fix: str


class Code(StrEnum):
    """Every code `authoring` reports. The text is the stable code; `Code.X.about` says what it means."""

    # -- reading a file ------------------------------------------------------------------------------
    UNREADABLE = "unreadable"
    FILE_TOO_LARGE = "file-too-large"
    NUL_BYTE = "nul-byte"
    INVALID_UTF8 = "invalid-utf8"
    NO_FRONT_MATTER = "no-front-matter"
    UNTERMINATED_BLOCK = "unterminated-block"
    UNFENCED_ENTRY = "unfenced-entry"
    MERGE_CONFLICT = "merge-conflict"
    # -- YAML ------------------------------------------------------------------------------------------
    YAML_SYNTAX = "yaml-syntax"
    YAML_ERROR = "yaml-error"
    DUPLICATE_KEY = "duplicate-key"
    INVALID_VALUE = "invalid-value"
    TOO_DEEP = "too-deep"
    ALIAS_BOMB = "alias-bomb"
    RECURSIVE_ALIAS = "recursive-alias"
    UNSAFE_TAG = "unsafe-tag"
    UNKNOWN_TAG = "unknown-tag"
    # -- the entry -------------------------------------------------------------------------------------
    EMPTY_ENTRY = "empty-entry"
    ENTRY_NOT_MAPPING = "entry-not-mapping"
    MISSING_ID = "missing-id"
    UNSAFE_ID = "unsafe-id"
    ID_MISMATCH = "id-mismatch"
    ID_STYLE = "id-style"
    HEADER_DISAGREES = "header-disagrees"
    STATUS = "status"
    UNSAFE_PATH = "unsafe-path"
    # -- configuration, modules, review events -----------------------------------------------------------
    CONFIG = "config"
    MODULE_FRONT_MATTER = "module-front-matter"
    BAD_REVIEW_EVENT = "bad-review-event"
    BAD_ADOPTION_RECORD = "bad-adoption-record"
    # -- audit: provenance and links -------------------------------------------------------------------
    MODULE_MISSING = "module-missing"
    MODULE_OUTSIDE_REPOSITORY = "module-outside-repository"
    SNIPPET_MISSING = "snippet-missing"
    SNIPPET_CHANGED = "snippet-changed"
    SNIPPET_MOVED = "snippet-moved"
    SNIPPET_FOUND = "snippet-found"
    DRAFT_SETTLED_FIELD = "draft-settled-field"
    EDIT_WORKFLOW_FIELD = "edit-workflow-field"
    EDIT_BODY_CHANGES_ENTRY = "edit-body-changes-entry"
    DANGLING_CROSSLINK = "dangling-crosslink"
    DANGLING_ASSOCIATION = "dangling-association"
    CROSSLINK_BY_DECLARED_ID = "crosslink-by-declared-id"
    CROSSLINK_BY_NAME = "crosslink-by-name"
    CROSSLINK_NEAR_MISS = "crosslink-near-miss"
    DUPLICATE_ID = "duplicate-id"
    # -- audit: the review trail -----------------------------------------------------------------------
    UNREVIEWED_STATUS_CHANGE = "unreviewed-status-change"
    UNREVIEWED_STATUS = "unreviewed-status"
    RATIFIED_WITHOUT_REVIEW = "ratified-without-review"
    RATIFICATION_WITHOUT_APPROVAL = "ratification-without-approval"
    SELF_APPROVAL = "self-approval"
    AGENT_APPROVAL = "agent-approval"
    NON_EDITOR_APPROVAL = "non-editor-approval"
    STALE_APPROVAL = "stale-approval"
    UNSIGNED_STATUS_CHANGE = "unsigned-status-change"
    BAD_SIGNATURE = "bad-signature"
    # -- audit: who did it (docs/TRUST.md) -----------------------------------------------------------------
    FORGED_EVENT = "forged-event"
    MERGE_STATUS_CHANGE = "merge-status-change"
    UNVERIFIED_IDENTITY = "unverified-identity"
    AGENT_IMPERSONATION = "agent-impersonation"
    UNSIGNED_EVENT = "unsigned-event"
    WRONGLY_SIGNED_EVENT = "wrongly-signed-event"
    POLICY_CHANGE = "policy-change"
    LAUNDERED_STATUS = "laundered-status"
    AGENT_DEMOTION = "agent-demotion"
    # -- audit: terms that may duplicate one another (review aids) ---------------------------------------
    LABEL_COLLISION = "label-collision"
    ID_VARIANT = "id-variant"
    SIMILAR_DEFINITION = "similar-definition"
    # -- export and import -------------------------------------------------------------------------------
    NOT_EXPORTED = "not-exported"
    TBX_SCHEMA = "tbx-schema"
    CSV_SYNTAX = "csv-syntax"
    CSV_EMPTY = "csv-empty"
    CSV_HEADER = "csv-header"
    CSV_COLUMNS = "csv-columns"
    CSV_REQUIRED = "csv-required"
    CSV_STATUS = "csv-status"
    IMPORT_REFUSED = "import-refused"
    IMPORT_INVALID = "import-invalid"
    # -- repair kinds ------------------------------------------------------------------------------------
    QUOTE_VALUE = "quote-value"
    QUOTED_PREFIX = "quoted-prefix"
    UNKNOWN_ESCAPE = "unknown-escape"
    QUOTE_LIST_ITEMS = "quote-list-items"
    QUOTE_LIST_SENTENCE = "quote-list-sentence"
    TEXT_AFTER_BRACKET = "text-after-bracket"
    FENCE_ENTRY = "fence-entry"
    CLOSE_BLOCK = "close-block"

    @property
    def about(self) -> About:
        """What this code means and how to fix it."""
        return CATALOGUE[self]


CATALOGUE: dict[Code, About] = {
    Code.UNREADABLE: About("check", ERROR, "The file could not be read (permissions, a vanished file).",
                           "Check the file's permissions and that it exists."),
    Code.FILE_TOO_LARGE: About("check", ERROR, "The file is larger than a term file may be (2 MiB); it is not read.",
                               "Split the file or remove what is not part of the term."),
    Code.NUL_BYTE: About("check", ERROR, "The file holds a NUL byte: binary data, not a term.",
                         "Remove the NUL byte; term files are UTF-8 text."),
    Code.INVALID_UTF8: About("check", ERROR, "The file is not valid UTF-8.", "Re-save the file as UTF-8."),
    Code.NO_FRONT_MATTER: About("check", ERROR, "The file does not open with a `---` front-matter block.",
                                "Start the file with a `---` line, the YAML entry, and another `---` line."),
    Code.UNTERMINATED_BLOCK: About("check", WARNING,
                                   "A front-matter block has no closing `---`; it is read to the end of the file.",
                                   "Add a `---` line after the block's last line (`authoring repair` proposes it)."),
    Code.UNFENCED_ENTRY: About("check", WARNING, "The body starts with YAML fields: an entry is missing its fences.",
                               "Fence the entry with `---` lines (`authoring repair` proposes it)."),
    Code.MERGE_CONFLICT: About("check", ERROR, "Front matter holds merge-conflict markers left by a merge.",
                               "Keep one side of each marked field (the UI's review screen offers both), then "
                               "remove the markers."),
    Code.YAML_SYNTAX: About("check", ERROR, "The front matter does not parse as YAML (the message says where and why).",
                            "Fix the line shown; `authoring repair ID` proposes a repair for the usual agent "
                            "mistakes."),
    Code.YAML_ERROR: About("check", ERROR, "YAML could not build a value (an error after parsing).",
                           "Fix the value shown."),
    Code.DUPLICATE_KEY: About("check", ERROR, "A mapping has the same key twice.",
                              "Remove one of the two keys, keeping the value you mean."),
    Code.INVALID_VALUE: About("check", ERROR, "A value YAML reads as a typed value is impossible (e.g. 2021-13-45).",
                              "Correct the value, or quote it to keep it as text."),
    Code.TOO_DEEP: About("check", ERROR, "The YAML nests deeper than the reader allows; it is refused unread.",
                         "Flatten the nested collections."),
    Code.ALIAS_BOMB: About("check", ERROR, "Aliases would expand the value past the reader's bound.",
                           "Replace the aliases with the values they stand for."),
    Code.RECURSIVE_ALIAS: About("check", ERROR, "An alias refers to itself.", "Replace the alias with a copy."),
    Code.UNSAFE_TAG: About("check", ERROR, "A `!!python` tag names a Python object (never executed).",
                           "Remove the tag."),
    Code.UNKNOWN_TAG: About("check", WARNING, "An explicit YAML tag the schema does not know; the value is kept.",
                            "Remove the tag unless a tool of yours needs it."),
    Code.EMPTY_ENTRY: About("check", ERROR, "The entry block is empty.", "Write the entry's fields."),
    Code.ENTRY_NOT_MAPPING: About("check", ERROR, "The entry is a list or a scalar, not a mapping of fields.",
                                  "Write the entry as `key: value` lines."),
    Code.MISSING_ID: About("check", ERROR, "The entry has no `canonical_id`.",
                           "Add `canonical_id:` with the file stem."),
    Code.UNSAFE_ID: About("check", ERROR, "The `canonical_id` could name a path outside the terms folder.",
                          "Set `canonical_id` to the file's stem."),
    Code.ID_MISMATCH: About("check", ERROR, "`canonical_id` differs from the file name.",
                            "Set `canonical_id` to the file's stem, or rename the file."),
    Code.ID_STYLE: About("check", WARNING, "`canonical_id` is not upper-case letters, digits and `_`.",
                         "Rename the term (file and id) in that style."),
    Code.HEADER_DISAGREES: About("check", WARNING, "A legacy header disagrees with the entry on some fields.",
                                 "`authoring fold-headers ID` (or `--all`) makes the headers take the entry's values."),
    Code.STATUS: About("check", ERROR, "The status is not one the workflow knows.",
                       "`authoring edit ID` and set it to draft (the one status an edit may set); the workflow"
                       " moves it on."),
    Code.UNSAFE_PATH: About("check", ERROR, "A term file is a symlink or a path that leaves the repository, or its "
                            "name is no usable id (`My Term.md`); it is not read (`audit` reports it too).",
                            "Replace the link with the file itself; rename the file CANONICAL_ID.md."),
    Code.CONFIG: About("config", ERROR, "`authoring.toml` (or `[tool.authoring]`) is not valid.",
                       "Fix the field named; `authoring schema` documents the term format, the README the config."),
    Code.MODULE_FRONT_MATTER: About("check", WARNING, "A module's front matter does not parse; it is read leniently.",
                                    "Fix the module's front matter."),
    Code.BAD_REVIEW_EVENT: About("audit", ERROR, "A review-event file does not parse or lacks required fields; it "
                                 "counts for nothing.", "Remove the file (events are written by the tool only)."),
    Code.BAD_ADOPTION_RECORD: About("audit", ERROR, "An adoption record (review_logs/_adoption/) does not parse; "
                                    "the baseline it would set is not used.",
                                    "Restore the file from Git (adoption records are written by `authoring adopt`)."),
    Code.MODULE_MISSING: About("audit", ERROR, "A module reference names no module in the configured module folders "
                               "(`modules_dirs`): a provenance source (an error past draft), or a stub's `provenance` "
                               "list, `parents` or `context_windows` (warnings); the message suggests close stems.",
                               "Correct the module reference, or add the module (or its folder to `modules_dirs`)."),
    Code.MODULE_OUTSIDE_REPOSITORY: About("audit", ERROR, "A provenance source cites a module file that is a "
                                          "symbolic link leading outside the repository; it is never read.",
                                          "Copy the module into the repository instead of linking to it."),
    Code.SNIPPET_MISSING: About("audit", ERROR, "A cited snippet is not in its module, nor in any committed version of"
                                " it, compared ignoring emphasis, code ticks, quote and dash variants (`...` a gap);"
                                " a warning for a draft.",
                                "Cite the text as the module has it, or correct the module reference."),
    Code.DRAFT_SETTLED_FIELD: About("draft", ERROR, "An edited draft changes what its module settles (the cited"
                                    " sources), or cites a snippet or context window that is not an exact excerpt"
                                    " of its module (spec §4); the draft is not written.",
                                    "Keep the citation as the agent took it from the module; draft again from other"
                                    " lines to cite other text."),
    Code.EDIT_WORKFLOW_FIELD: About("edit", ERROR, "An edit of the file's text changes a field the workflow keeps"
                                    " (status, version, last_updated, provenance.review_log); it is not written.",
                                    "Put the field back as it was; promote, demote, reject or review change it."),
    Code.EDIT_BODY_CHANGES_ENTRY: About("edit", ERROR, "An edit of the Markdown body changes the front matter's"
                                        " fields (a `---` line in the body starts a new block, which becomes the"
                                        " entry); it is not written.",
                                        "Keep `---` lines out of the body; edit fields with `authoring set` (e)"
                                        " or the whole file with `authoring edit`."),
    Code.SNIPPET_CHANGED: About("audit", ERROR, "A cited snippet was in an earlier version of its module and is not"
                                " in it now: the module changed since it was cited (the finding names the commit);"
                                " a warning for a draft.",
                                "Cite the module's new text, or restore the text the term relies on."),
    Code.SNIPPET_MOVED: About("audit", WARNING, "A cited snippet is in its module, at other lines than `lines:` says.",
                              "`authoring relocate ID` (or `--all`) updates `lines:` to where it stands now."),
    Code.SNIPPET_FOUND: About("audit", INFO, "A cited snippet stands where it is cited (listed with `audit --all`).",
                              "Nothing to fix."),
    Code.DANGLING_CROSSLINK: About("audit", WARNING, "A crosslink names no term of this glossary.",
                                   "Correct the id, or draft the missing term."),
    Code.DANGLING_ASSOCIATION: About("audit", WARNING, "An association-matrix row names no term of this glossary.",
                                     "Correct the id, or draft the missing term."),
    Code.CROSSLINK_BY_DECLARED_ID: About("audit", INFO, "A link names a `canonical_id` declared by a file named"
                                         " differently.", "Rename the file to its id (see `id-mismatch`)."),
    Code.CROSSLINK_BY_NAME: About("audit", WARNING, "A link names a term by its name or alias, not its id.",
                                  "Write the term's id (the message names it)."),
    Code.CROSSLINK_NEAR_MISS: About("audit", WARNING, "A link names no term, but an id spelt nearly the same exists.",
                                    "Correct the spelling (the message says which id it may mean)."),
    Code.DUPLICATE_ID: About("audit", ERROR, "Two files claim the same canonical id.", "Merge or rename one of them."),
    Code.UNREVIEWED_STATUS_CHANGE: About("audit", ERROR, "A commit changed a status with no matching review event.",
                                         "Undo the change and move the term through the workflow."),
    Code.UNREVIEWED_STATUS: About("audit", WARNING, "A term arrived with a status beyond draft and no recorded review.",
                                  "Review it, or accept the state found once with `authoring adopt`."),
    Code.RATIFIED_WITHOUT_REVIEW: About("audit", WARNING, "A term arrived ratified with no recorded review.",
                                        "Review it, or accept the state found once with `authoring adopt`."),
    Code.RATIFICATION_WITHOUT_APPROVAL: About("audit", ERROR, "A ratification had fewer valid approvals than required.",
                                              "Demote the term and gather the approvals."),
    Code.SELF_APPROVAL: About("audit", ERROR, "An approval came from an author or editor of the content it approved.",
                              "Have an editor who did not write the content approve it."),
    Code.AGENT_APPROVAL: About("audit", ERROR, "An approval came from a drafting agent.",
                               "Agents may draft and comment, never approve."),
    Code.NON_EDITOR_APPROVAL: About("audit", ERROR, "An approval came from someone not listed as an editor.",
                                    "Have a listed editor approve it, or list the reviewer in `[people] editors`."),
    Code.STALE_APPROVAL: About("audit", WARNING, "An approval was given before the content's last change.",
                               "Approve the current content again."),
    Code.UNSIGNED_STATUS_CHANGE: About("audit", ERROR, "With signatures required, a status change is not signed.",
                                       "Sign commits (`commit.gpgsign`, `gpg.format=ssh`)."),
    Code.BAD_SIGNATURE: About("audit", ERROR, "A signature does not verify against the allowed signers.",
                              "Check the signer's key in the allowed-signers file of the trusted base."),
    Code.FORGED_EVENT: About("audit", ERROR, "A review event that does not count: it sits in another term's folder, no "
                             "commit on the branch added it, it was rewritten, or the commit that added it was "
                             "authored by someone other than its `who`.",
                             "Remove the file; have the person named record the event with their own identity."),
    Code.MERGE_STATUS_CHANGE: About("audit", ERROR, "A merge commit set a term's status that none of its parents had: "
                                    "the move was made by the merge itself, outside every action.",
                                    "Undo the merge's change to the term; make the move with `promote`/`demote`."),
    Code.UNVERIFIED_IDENTITY: About("audit", WARNING, "An approval or status move whose committer is not its author "
                                    "(`--as`), unsigned by the author: a claim nobody proved (an error when "
                                    "signatures are required).",
                                    "Let the person named act from their own checkout, or sign with their key."),
    Code.AGENT_IMPERSONATION: About("audit", ERROR, "A commit made by a configured agent claims a human identity.",
                                    "Undo the commit; an agent acts only as itself."),
    Code.UNSIGNED_EVENT: About("audit", ERROR, "With signatures required, a review event's commit is not signed.",
                               "Sign commits (`commit.gpgsign`, `gpg.format=ssh`) with the author's key."),
    Code.WRONGLY_SIGNED_EVENT: About("audit", ERROR, "With signatures required, an event's or status change's commit "
                                     "is signed by a principal other than its author.",
                                     "Each person signs with their own key, listed under their email."),
    Code.POLICY_CHANGE: About("audit", ERROR, "After the trusted base, the configuration or the allowed signers were "
                              "changed by someone who is not an editor of the trusted base (or without their "
                              "signature, when signatures are required).",
                              "Have an editor of the trusted base make (and sign) the change."),
    Code.LAUNDERED_STATUS: About("audit", ERROR, "A status changed through a revision whose front matter does not "
                                 "parse, with no matching review event.",
                                 "Undo the change and move the term through the workflow."),
    Code.AGENT_DEMOTION: About("audit", ERROR, "A term past draft was drafted over (moved back to draft) from a "
                              "checkout that is not an editor's.",
                              "Restore the term; drafting over it is an editor's call, with a note."),
    Code.LABEL_COLLISION: About("audit", WARNING, "A name or alias, normalised (case, punctuation, spacing), belongs"
                                " to more than one term; one finding per label, naming every term.",
                                "Decide whether they are one concept: merge, or rename and disambiguate."),
    Code.ID_VARIANT: About("audit", WARNING, "Canonical ids that differ only by separators or a plural ending.",
                           "Keep one id; deprecate or reject the other, naming it as superseded_by."),
    Code.SIMILAR_DEFINITION: About("audit", WARNING, "Definitions whose similarity (TF-IDF cosine) reaches"
                                   " `[duplicates] similar_definition`; grouped.",
                                   "Read them side by side; merge the terms or sharpen the definitions."),
    Code.NOT_EXPORTED: About("export", WARNING, "A term whose entry does not parse is left out of an export or the"
                             " site.", "Fix its front matter (`authoring repair ID`) and export again."),
    Code.TBX_SCHEMA: About("export", ERROR, "The TBX document does not pass the shipped TBX-Basic schema; nothing"
                           " is written.", "Report it: the exporter wrote something the dialect does not allow."),
    Code.CSV_SYNTAX: About("import", ERROR, "The file is not CSV at that line (an unclosed quote).",
                           "Fix the quoting on that line."),
    Code.CSV_EMPTY: About("import", ERROR, "The CSV file is empty.", "Give a header row and one row per term."),
    Code.CSV_HEADER: About("import", ERROR, "The header row lacks `id` or `term`, or names a column twice.",
                           "Name the columns in the first row (`id,term,…`)."),
    Code.CSV_COLUMNS: About("import", ERROR, "A row has more or fewer cells than the header.",
                            "Quote cells that hold commas; give every row every column."),
    Code.CSV_REQUIRED: About("import", ERROR, "A row lacks its id or its term.", "Fill both cells."),
    Code.CSV_STATUS: About("import", ERROR, "A row's status is not one the workflow knows.",
                           "Use draft, candidate, ratified, rejected or deprecated (or leave it empty)."),
    Code.IMPORT_REFUSED: About("import", ERROR, "A row would overwrite a term, repeats an id, has an unsafe id, or"
                               " carries a status beyond draft without `--as-drafts`; nothing is imported.",
                               "Remove or rename the row, or pass `--as-drafts` to import statuses as drafts."),
    Code.IMPORT_INVALID: About("import", ERROR, "A row's draft would not pass `check` or read back as written.",
                               "Fix the row's values (the message says which)."),
    Code.QUOTE_VALUE: About("repair", ERROR, "A value YAML reads as syntax (`|x|`, `**bold**`, `> 0`, backticks).",
                            "`authoring repair ID --write` quotes the value as written."),
    Code.QUOTED_PREFIX: About("repair", ERROR, "A quoted string is followed by more text on its line.",
                              "`authoring repair ID --write` quotes the whole value."),
    Code.UNKNOWN_ESCAPE: About("repair", ERROR, "A double-quoted string holds an escape YAML does not know (`\\D`).",
                               "`authoring repair ID --write` single-quotes it."),
    Code.QUOTE_LIST_ITEMS: About("repair", ERROR, "A flow list's items hold syntax YAML cannot read plain.",
                                 "`authoring repair ID --write` quotes the items (one per item the author wrote)."),
    Code.QUOTE_LIST_SENTENCE: About("repair", ERROR, "A flow list holds one sentence with commas inside it, which"
                                    " YAML would split into items.",
                                    "`authoring repair ID --write` quotes the sentence as the list's one item; a"
                                    " list mixing prose and items is left for a person."),
    Code.TEXT_AFTER_BRACKET: About("repair", ERROR, "Text follows a flow list's closing bracket.",
                                   "`authoring repair ID --write` quotes the whole value."),
    Code.FENCE_ENTRY: About("repair", WARNING, "An entry without its `---` fences.",
                            "`authoring repair ID --write` adds them."),
    Code.CLOSE_BLOCK: About("repair", WARNING, "A block without its closing `---`.",
                            "`authoring repair ID --write` adds it."),
}


def markdown_table() -> str:
    """The catalogue as the Markdown page `docs/CODES.md`."""
    lines = [
        "# Problem and finding codes",
        "",
        "Generated from `authoring/codes.py` (`python -m authoring.codes > docs/CODES.md`); "
        "`authoring check --explain CODE` prints one. Codes are stable: scripts may match on them.",
        "",
        "| code | reported by | usual severity | meaning | fix |",
        "| --- | --- | --- | --- | --- |",
    ]
    for code in Code:
        about = code.about
        cells = [f"`{code.value}`", about.reporter, about.severity.value, about.meaning, about.fix]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
