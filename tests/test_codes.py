"""The catalogue of codes is complete and its documentation is what the module generates."""

from __future__ import annotations

import ast
import json
import re

from authoring.codes import CATALOGUE, Code, markdown_table
from tests.conftest import ROOT


def test_every_code_has_a_meaning_and_a_fix() -> None:
    assert set(CATALOGUE) == set(Code)
    for code in Code:
        assert code.about.meaning.strip() and code.about.fix.strip(), code


def test_codes_are_stable_text() -> None:
    assert Code.YAML_SYNTAX == "yaml-syntax"
    assert all(code.value == code.value.lower() and " " not in code.value for code in Code)


def test_the_docs_table_is_generated_from_the_catalogue() -> None:
    page = (ROOT / "docs" / "CODES.md").read_text(encoding="utf-8")
    assert page == markdown_table(), "regenerate it: python -m authoring.codes > docs/CODES.md"
    assert all(f"`{code.value}`" in page for code in Code)


# Calls that take a code: every code-shaped text literal passed to one must be in the catalogue, so a
# code cannot be born in one file without meaning, fix and documentation.
_TAKES_A_CODE = {"Problem", "problem", "problem_at", "_problem", "add", "Finding", "Rule", "rule", "LinkFinding",
                 "DuplicateGroup", "Structural", "quote_whole", "Proposal"}
_CODE_SHAPE = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")


def _code_literals() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "authoring").rglob("*.py")):
        if path.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            values = [k.value for k in node.keywords if k.arg == "code"]
            if name in _TAKES_A_CODE:
                values += list(node.args)
            for value in values:
                for leaf in ([value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str) and _CODE_SHAPE.match(leaf.value):
                        found.setdefault(leaf.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_code_the_code_base_reports_is_catalogued() -> None:
    found = _code_literals()
    assert len(set(found) & {code.value for code in Code}) >= 30  # the scan does see the codes
    unknown = {code: where for code, where in found.items() if code not in {c.value for c in Code}}
    assert unknown == {}, "add these to authoring/codes.py (then regenerate docs/CODES.md)"


def test_check_explain_lists_every_code_and_explains_one() -> None:
    from tests.conftest import run_cli

    every = run_cli("--json", "check", "--explain")
    assert every.code == 0
    assert [entry["code"] for entry in json.loads(every.out)] == [code.value for code in Code]
    one = run_cli("check", "--explain", "snippet-moved")
    assert one.code == 0 and one.out.startswith("snippet-moved (warning, reported by audit)")
    assert "relocate" in one.out
    typo = run_cli("check", "--explain", "snipet-moved")
    assert typo.code == 2 and "did you mean snippet-moved" in typo.err
