"""The catalogue of codes is complete and its documentation is what the module generates."""

from __future__ import annotations

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
