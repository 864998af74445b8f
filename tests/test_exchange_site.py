"""The static site in a real headless browser (Chromium from the system packages, driven by Selenium
through the system chromedriver): pages load, search and status filters work, every link resolves.

Skips cleanly when Chromium, chromedriver or Selenium is absent. Nothing is downloaded: Selenium is given
both binaries and told to stay offline. Set AUTHORING_SCREENSHOTS=DIR to keep the corpus screenshots.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import git, run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium for the module's tests (its profile in a temporary folder, left nowhere else)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.skip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--allow-file-access-from-files",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager must never fetch a driver or a browser
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _build(repo: Path, out: Path, *status: str) -> Path:
    result = run_cli("--repo", repo, "site", "--output", out, *(("--status", status[0]) if status else ()))
    assert result.code == 0, result.err
    return out


def _atom(name: str) -> str:
    """Selenium's own JavaScript for `WebElement.is_displayed` (`isDisplayed`) or `.get_attribute`
    (`getAttribute`), so that one script can ask it of every element at once (one round trip, not one per
    element: the corpus index has 700 rows and 700 links)."""
    from selenium.webdriver.remote import webelement

    if webelement.isDisplayed_js is None:
        webelement._load_js()
    return str(getattr(webelement, f"{name}_js"))


def _visible_rows(driver: Any) -> list[str]:
    """The ids of the rows the browser displays (Selenium's `is_displayed`), in order."""
    return list(driver.execute_script(
        f"const shown = ({_atom('isDisplayed')});"
        " return Array.from(document.querySelectorAll('#terms tbody tr')).filter(row => shown(row))"
        ".map(row => row.querySelector('code.id').innerText);"))


def _search(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(text)


def _links_resolve(driver: Any, page: Path) -> int:
    """Open `page`, and check every link on it as the browser resolved it: the file exists and the
    fragment, if any, names an element there. Returns how many links were checked."""
    from lxml import html
    from selenium.webdriver.common.by import By

    driver.get(page.as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    # each link's `href` as `get_attribute` gives it (the URL the browser resolved), all in one script
    hrefs = driver.execute_script(f"const attribute = ({_atom('getAttribute')}); return Array.from("
                                  "document.querySelectorAll('a[href]'), a => attribute(a, 'href'));")
    assert len(hrefs) == len(driver.find_elements(By.CSS_SELECTOR, "a[href]"))
    ids: dict[Path, set[str]] = {}  # each target page is parsed once
    for href in hrefs:
        parts = urlsplit(href)
        assert parts.scheme == "file", f"{page.name}: {href} leaves the site"
        target = Path(unquote(parts.path))
        assert target.is_file(), f"{page.name}: {href} does not resolve"
        if parts.fragment:
            if target not in ids:
                ids[target] = set(html.parse(str(target)).getroot().xpath("//@id"))
            assert parts.fragment in ids[target], f"{page.name}: {href} names no element"
    return len(hrefs)


def test_demo_site_search_filters_and_links(browser: Any, demo_repo: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    site = _build(demo_repo, tmp_path / "site", "ratified,candidate,draft")
    browser.get((site / "index.html").as_uri())
    assert browser.title == "Glossary"
    assert _visible_rows(browser) == ["KNOT_DRIFT", "SLACK_WATER", "TIDAL_LOOM", "WEFT_PRESSURE"]
    assert browser.find_element(By.ID, "shown").text == "4 of 4 shown"
    _search(browser, "weaving")  # an alias of Tidal Loom
    assert _visible_rows(browser) == ["TIDAL_LOOM"]
    _search(browser, "driver")  # words of definitions
    assert _visible_rows(browser) == ["SLACK_WATER", "TIDAL_LOOM", "WEFT_PRESSURE"]
    _search(browser, "tidal loom")  # named so: first, before terms that only mention it
    assert _visible_rows(browser)[0] == "TIDAL_LOOM" and len(_visible_rows(browser)) > 1
    _search(browser, "driver")
    browser.find_element(By.CSS_SELECTOR, "input[name=status][value=draft]").click()
    assert _visible_rows(browser) == ["TIDAL_LOOM", "WEFT_PRESSURE"]
    _search(browser, "no such words")
    assert _visible_rows(browser) == [] and browser.find_element(By.ID, "nothing").is_displayed()
    browser.get((site / "index.html").as_uri() + "?q=loom")  # a link can carry a search
    assert "TIDAL_LOOM" in _visible_rows(browser)
    browser.find_element(By.LINK_TEXT, "Tidal Loom").click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Tidal Loom")
    assert "ratified" in browser.find_element(By.CSS_SELECTOR, "h1 .badge").text
    assert "Bob Editor" in browser.find_element(By.CSS_SELECTOR, "section.history").text  # who approved
    browser.find_element(By.CSS_SELECTOR, "a.module-link").click()
    line = urlsplit(browser.current_url).fragment
    assert line.startswith("L") and browser.find_element(By.ID, line).is_displayed()
    checked = sum(_links_resolve(browser, page) for page in sorted(site.rglob("*.html")))
    assert checked > 10


def test_site_refuses_a_folder_it_did_not_build(demo_repo: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("--repo", demo_repo, "site", "--output", mine)
    assert result.code == 2 and "was not made by `authoring site`" in result.err
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me" and len(list(mine.iterdir())) == 1
    site = _build(demo_repo, tmp_path / "site")
    (site / "terms" / "STALE.html").write_text("old", encoding="utf-8")
    _build(demo_repo, site)  # an earlier build is replaced whole
    assert not (site / "terms" / "STALE.html").exists()
    assert sorted(p.name for p in (site / "terms").iterdir()) == ["TIDAL_LOOM.html"]  # ratified only by default
    assert git(demo_repo, "status", "--porcelain") == ""


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_site_in_headless_chromium(browser: Any, corpus_copy: Path, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    site = _build(corpus_copy, tmp_path / "site")
    pages = sorted((site / "terms").glob("*.html"))
    assert len(pages) >= 700  # every ratified term of the corpus (704 parse)
    browser.get((site / "index.html").as_uri())
    assert len(_visible_rows(browser)) == len(pages)
    _search(browser, "coherence flux")
    assert _visible_rows(browser)[0] == "COHERENCE_FLUX"  # the term named so comes first
    shots = Path(os.environ.get("AUTHORING_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    assert browser.save_screenshot(str(shots / "corpus-index-search.png"))
    browser.find_element(By.LINK_TEXT, "Coherence Flux").click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Coherence Flux")
    browser.set_window_size(1280, 1400)
    assert browser.save_screenshot(str(shots / "corpus-term.png"))
    browser.set_window_size(1280, 900)
    assert (shots / "corpus-term.png").stat().st_size > 10_000
    checked = sum(_links_resolve(browser, page) for page in [site / "index.html", *pages[::25]])
    assert checked > len(pages)
