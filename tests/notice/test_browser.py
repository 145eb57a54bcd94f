"""The announcement in a real headless Chromium (R-1).

It loads offline, shows the result's numbers, expands, and prints on A4.

Debian's ``chromium`` and ``chromium-driver``, driven with selenium. ``.ci/run`` installs
them, so in CI these tests run; elsewhere they skip only when no Chromium is installed.
Screenshots of both pages are saved under ``test-artefacts/`` (or ``$CG_ARTEFACTS``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from community_governance.demo import demo_quarter, run_demo
from community_governance.notice import build_notice, write_site

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

if CHROMIUM is None or CHROMEDRIVER is None:
    if os.environ.get("CI"):
        pytest.fail("CI must provide chromium and chromium-driver (.ci/run installs them)")
    pytest.skip("no Chromium on this machine", allow_module_level=True)

from selenium import webdriver  # noqa: E402 - only where a browser exists
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

#: A4 in PostScript points, as PDF media boxes give it.
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo quarter's announcement, written as a user would with ``announce --demo``."""
    data = demo_quarter(127, "2026Q3")
    outcome = run_demo(data)
    notice = build_notice(
        outcome.result,
        community=data.community,
        certificate=data.survey.certificate,
        at=outcome.announcement.announced_on,
        policy=data.policy,
    )
    return write_site(notice, tmp_path_factory.mktemp("announcement") / "site")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium logging the console and the network."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,900")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _open(browser: Any, page: Path) -> None:
    browser.get_log("performance")  # drop what earlier pages logged
    browser.get_log("browser")
    browser.get(page.as_uri())
    WebDriverWait(browser, 60).until(
        lambda driver: driver.execute_script("return document.readyState") == "complete"
    )


def _artefacts() -> Path:
    folder = Path(os.environ.get("CG_ARTEFACTS", ROOT / "test-artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("path", ["index.html", "en/index.html"])
def test_the_page_loads_offline_without_errors(browser: Any, site: Path, path: str) -> None:
    """R-1: no console error, and no request beyond the page's own file."""
    page = site / path
    _open(browser, page)
    errors = [e for e in browser.get_log("browser") if e["level"] in {"SEVERE", "WARNING"}]
    assert errors == []
    requested = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.add(message["params"]["request"]["url"])
    # data: URLs (the page's own font) are read from the page itself, not fetched.
    assert {url for url in requested if not url.startswith("data:")} == {page.as_uri()}
    assert browser.execute_script("return document.scripts.length") == 0
    lang = browser.find_element(By.TAG_NAME, "html").get_attribute("lang")
    assert lang == ("zh-CN" if path == "index.html" else "en")


@pytest.mark.parametrize("path", ["index.html", "en/index.html"])
def test_both_languages_show_the_numbers_of_the_result(browser: Any, site: Path, path: str) -> None:
    """R-1, E-5, E-6: every unit's rank, final and grade on screen equal the result JSON's."""
    # Numbers read from their digits: 90.10 stays 90.10, as the page shows it.
    result = json.loads((site / "result.json").read_text(encoding="utf-8"), parse_float=Decimal)
    _open(browser, site / path)
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    shown = [
        (
            int(row.find_element(By.CSS_SELECTOR, "td:first-child").text),
            row.find_element(By.CSS_SELECTOR, "td[data-field=final]").text,
        )
        for row in rows
    ]
    assert shown == [(c["rank"], str(c["final"]["reported"])) for c in result["scorecards"]]
    failing = {o["unit_id"] for o in result["rectification_orders"]}
    marked = browser.find_elements(By.CSS_SELECTOR, "#results tr.rectify")
    assert len(marked) == len(failing) > 0
    lang = "zh" if path == "index.html" else "en"
    body = browser.find_element(By.TAG_NAME, "body").text
    assert ("需整改" in body) == (lang == "zh")
    browser.set_window_size(1280, browser.execute_script("return document.body.scrollHeight"))
    browser.save_screenshot(str(_artefacts() / f"announcement-{lang}.png"))
    browser.set_window_size(1280, 900)


def test_explanations_expand(browser: Any, site: Path) -> None:
    """R-1: each unit's explanation is a closed ``details`` that opens on a click."""
    _open(browser, site / "index.html")
    details = browser.find_elements(By.CSS_SELECTOR, "details[id^=unit-]")
    assert details
    first = details[0]
    steps = first.find_element(By.TAG_NAME, "ol")
    assert first.get_attribute("open") is None
    assert not steps.is_displayed()
    first.find_element(By.TAG_NAME, "summary").click()
    assert first.get_attribute("open") is not None
    assert steps.is_displayed()
    assert first.find_element(By.TAG_NAME, "svg").is_displayed()


def test_printing_gives_a4_pages(browser: Any, site: Path) -> None:
    """R-1: printed for a notice board, the page's own style gives A4 sheets."""
    _open(browser, site / "index.html")
    printed = browser.execute_cdp_cmd(
        "Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True}
    )
    pdf = base64.b64decode(printed["data"])
    (_artefacts() / "announcement-zh.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes
    for width, height in boxes:
        assert abs(float(width) - A4[0]) < 1
        assert abs(float(height) - A4[1]) < 1
