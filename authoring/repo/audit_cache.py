"""Audit reports kept between runs, keyed by everything an audit reads: an unchanged repository is
audited once.

An audit reads the term, review-log and module files (every folder `modules_dirs` names or whose
glob could match), the configuration (and, with
`--require-signed`, the allowed-signers file), and the history from HEAD. Its key is a digest of:
HEAD; Git's index entries for those paths (blob ids: content ids Git keeps current through its own
stat cache); the bytes of every such file that differs from the index or that Git does not track
(untracked or ignored: the audit reads them all the same); the configuration files' bytes; whether
signatures are required; and the code that audits (our packages, and the YAML and schema library
versions). Any change to any of these is a different key, so a stale report is never served.

The store is `<git dir>/authoring/audit-v2.jsonl` (`audit-v2-signed.jsonl` for `require_signed`;
beside the term index; the user's cache directory when the Git directory is not writable), holding
the last report for that value as JSON lines: a header (format and key), the summary, then one
finding a line. A report of a large glossary runs to tens of megabytes: the header is read alone to
compare keys, and findings are written and read one at a time, never as one document in memory.
A store that is damaged, of another format or written by other code is ignored. Writing it is best
effort: a store that cannot be written only costs time next run.

This layer wraps `Glossary.audit` and knows nothing of the checks themselves.
Must never: serve a report whose key differs; fail an audit because the store cannot be read or
written; run Git except through `repo.git`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from authoring.config_file import CONFIG_FILE
from authoring.repo.index import index_dir

if TYPE_CHECKING:
    from authoring.repo.audit import AuditProgressCallback, AuditReport
    from authoring.repo.service import Glossary

FORMAT = 2
STORE = f"audit-v{FORMAT}.jsonl"
SIGNED_STORE = f"audit-v{FORMAT}-signed.jsonl"
# The code an audit's result depends on: every package below the faces.
_CODE = ("core", "workflow", "repo", "errors.py", "config.py", "config_file.py")
_code_digest: str | None = None


def code_digest() -> str:
    """A digest of the code that audits (our packages below the faces, the YAML and schema libraries)."""
    global _code_digest
    if _code_digest is None:
        from authoring.repo.code_fingerprint import code_fingerprint

        _code_digest = code_fingerprint(FORMAT, _CODE, ("ruamel.yaml", "PyYAML", "pydantic", "pydantic-core",
                                                        "deepdiff"))
    return _code_digest


def audit_key(glossary: Glossary, require_signed: bool, trusted_base: str | None = None) -> str:
    """The digest of everything `glossary.audit(require_signed, trusted_base)` reads (see the module's doc);
    the trusted base counts by the commit it names now (a fetch that moves `origin/main` is a change)."""
    root = glossary.root
    base_name = trusted_base or glossary.config.audit.trusted_base
    base = f"trusted={base_name}@{glossary.git.resolve(base_name) if base_name else None}"
    read = (glossary.terms_dir, glossary.review_logs_dir, glossary.modules_dir, *glossary.module_sources.roots())
    relative = sorted(filter(None, (_inside(glossary, path) for path in read)))
    config_files = [root / CONFIG_FILE, root / "pyproject.toml"]
    signers = glossary.config.audit.allowed_signers if require_signed else None
    if signers:
        config_files.append(root / signers)
    head, staged, dirty = glossary.git.tree_state(relative)
    digest = hashlib.blake2b(digest_size=20)
    for part in (code_digest(), f"signed={require_signed}", base, head, staged):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    for name in dirty:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_content_id(root / name))
    for path in config_files:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(_content_id(path))
    return digest.hexdigest()


def _inside(glossary: Glossary, path: Path) -> str | None:
    """`path` relative to the work tree (`.` for the root); None when it leads out of it (nothing the audit
    reads there: a module outside the repository is refused unread)."""
    try:
        return glossary.git.relative(path) or "."
    except ValueError:
        return None


def _content_id(path: Path) -> bytes:
    """The file's content digest (a fixed marker when it is absent or unreadable, or is a folder)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "blake2b").digest()
    except IsADirectoryError:
        return b"<folder>"
    except FileNotFoundError:
        return b"<absent>"
    except OSError as exc:
        return f"<unreadable {exc.errno}>".encode()


class AuditCache:
    """The store of audit reports of one repository."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        folder = index_dir(glossary.git.git_dir, glossary.root)
        self.path = folder / STORE
        """The store of the report without `require_signed`."""
        self.signed_path = folder / SIGNED_STORE
        """The store of the report with `require_signed`."""

    def _path(self, require_signed: bool) -> Path:
        return self.signed_path if require_signed else self.path

    def get(self, require_signed: bool, key: str | None = None) -> AuditReport | None:
        """The stored report, when its key is the repository's key now (None otherwise)."""
        from authoring.repo.audit import AuditReport, Finding

        try:
            with self._path(require_signed).open("rb") as handle:
                header = json.loads(handle.readline())
                expected = {"format": FORMAT, "key": key or audit_key(self.glossary, require_signed),
                            "signed": require_signed}
                if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
                    return None
                summary = json.loads(handle.readline())
                findings = [Finding.model_validate_json(line) for line in handle]
            if not isinstance(summary, dict) or len(findings) != header.get("findings"):
                return None  # cut short
            return AuditReport.model_construct(findings=findings, summary=summary)  # each finding validated
        except (OSError, ValueError):  # unreadable, not JSON, not a finding (pydantic's errors are ValueErrors)
            return None

    def put(self, require_signed: bool, key: str, report: AuditReport) -> None:
        """Keep `report` as the one for `key` (best effort, atomic)."""
        path = self._path(require_signed)
        with contextlib.suppress(OSError, ValueError):  # a finding pydantic cannot write: no store this time
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".audit.", suffix=".tmp", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    header = {"format": FORMAT, "key": key, "signed": require_signed, "findings": len(report.findings)}
                    handle.write(_line(header))
                    handle.write(_line(report.model_dump(mode="json", include={"summary"})["summary"]))
                    for finding in report.findings:
                        handle.write(finding.model_dump_json().encode("utf-8") + b"\n")
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise

    def clear(self) -> None:
        """Forget every stored report."""
        for path in (self.path, self.signed_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _line(data: Any) -> bytes:
    """One JSON line (JSON escapes any newline inside a string)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def cached_audit(glossary: Glossary, require_signed: bool = False, progress: AuditProgressCallback | None = None,
                 trusted_base: str | None = None) -> tuple[AuditReport, bool]:
    """The audit of the repository as it stands: the stored report when nothing it reads has changed,
    else a fresh audit (then stored). Returns the report and whether it came from the store.

    The key is taken before the audit runs: a change made while it runs gives a new key next time.
    """
    cache = AuditCache(glossary)
    key = audit_key(glossary, require_signed, trusted_base)
    stored = cache.get(require_signed, key)
    if stored is not None:
        return stored, True
    report = glossary.audit(require_signed=require_signed, trusted_base=trusted_base, progress=progress)
    cache.put(require_signed, key, report)
    return report, False
