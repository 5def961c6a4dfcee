"""The reports open in a real browser: headless Chromium through Debian's chromedriver.

``reports/index.html`` and every report it links load with no console error, no
request to anything but the local files, every image decoded and every link
resolving. Where Chromium or its driver is missing the test is skipped, except
under ``CI=true``, where a missing browser fails the run (``.ci/run`` installs
Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from coopstats import reports

DRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
BROWSER_CANDIDATES = ("chromium", "chromium-browser")
LOCAL_SCHEMES = {"file", "data", "about", "blob"}

SCRIPT_DOCUMENT = (
    "关于测试合作的重点工作\n\n一、测试事项\n\n"
    '1．在文本中写入<script>alert("coopstats")</script><img src="https://example.invalid/x.png">的任务。'
    "（省商务厅、港澳办）\n"
)


def _find_browser() -> tuple[str, str] | None:
    browser = next((shutil.which(name) for name in BROWSER_CANDIDATES if shutil.which(name)), None)
    driver = next((path for path in DRIVER_CANDIDATES if Path(path).is_file()), shutil.which("chromedriver"))
    if browser is None or driver is None:
        return None
    return browser, driver


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    found = _find_browser()
    if found is None:
        reason = (
            "headless Chromium is not installed (Debian: apt-get install chromium chromium-driver); "
            "the browser test cannot run"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = found
    profile = tempfile.mkdtemp(prefix="coopstats-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1200,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def built_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import coopstats as cs

    cs.assignments()  # build the frame cache once, before several kernels want it at the same time
    cs.figures()
    out = tmp_path_factory.mktemp("browser-reports")
    source = tmp_path_factory.mktemp("browser-mine") / "hostile.txt"
    source.write_text(SCRIPT_DOCUMENT, encoding="utf-8")
    grid = [
        ("agency_workload", {"doc_id": "panprd-gd-opinions-2017"}),
        ("trade_investment", {}),
        ("document_profile", {"source": str(source)}),
    ]
    records = reports.run_all(out, jobs=2, grid=grid, progress=False)
    assert [r.status for r in records] == ["ok"] * len(grid), [r.error for r in records]
    return out


def _requests(driver: object) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):  # type: ignore[attr-defined]
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _open(driver: object, path: Path) -> dict[str, object]:
    driver.get_log("browser")  # type: ignore[attr-defined]  # drop what earlier pages logged
    driver.get_log("performance")  # type: ignore[attr-defined]
    driver.get(path.resolve().as_uri())  # type: ignore[attr-defined]
    state = driver.execute_script(  # type: ignore[attr-defined]
        """
        return {
          ready: document.readyState,
          title: document.title,
          images: Array.from(document.images).map(i => ({
              ok: i.complete && i.naturalWidth > 0, alt: i.alt, src: i.src.slice(0, 30)})),
          links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
          ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
          scripts: document.scripts.length,
        };
        """
    )
    state["console"] = driver.get_log("browser")  # type: ignore[attr-defined]
    state["requests"] = _requests(driver)
    return state


def _check_page(state: dict[str, object], path: Path) -> None:
    assert state["ready"] == "complete", path
    errors = [e for e in state["console"] if e["level"] in {"SEVERE", "ERROR"}]  # type: ignore[union-attr]
    assert not errors, (path, errors)
    leaving = [u for u in state["requests"] if urlparse(u).scheme not in LOCAL_SCHEMES]  # type: ignore[union-attr]
    assert not leaving, (path, leaving)
    for image in state["images"]:  # type: ignore[union-attr]
        assert image["ok"], (path, image)
        assert image["src"].startswith("data:image/png"), (path, image)
    assert state["scripts"] == 0, path


def test_index_and_every_linked_report_open_cleanly(browser: object, built_reports: Path) -> None:
    index = built_reports / "index.html"
    state = _open(browser, index)
    _check_page(state, index)
    assert state["title"] == "coopstats reports"
    links = [link for link in state["links"] if not link.startswith("#")]  # type: ignore[union-attr]
    report_links = [link for link in links if link.endswith(".html")]
    assert len(report_links) == 3, links
    for link in links:
        target = (built_reports / unquote(link)).resolve()
        assert target.is_file(), f"index links {link!r}, which does not exist"
        assert target.is_relative_to(built_reports.resolve())
    for link in report_links:
        page = built_reports / unquote(link)
        report_state = _open(browser, page)
        _check_page(report_state, page)
        for href in report_state["links"]:  # type: ignore[union-attr]
            assert href.startswith("#"), (page, href)  # a report links only within itself
            # the HTML standard looks a fragment up as written, then percent-decoded
            assert {href[1:], unquote(href[1:])} & set(report_state["ids"]), (page, href)  # type: ignore[arg-type]
        if "agency_workload" in link or "trade_investment" in link:
            assert len(report_state["images"]) == 2, (page, report_state["images"])  # type: ignore[arg-type]


def test_markup_from_a_document_stays_text(browser: object, built_reports: Path) -> None:
    page = next((built_reports / "document_profile").glob("*.html"))
    state = _open(browser, page)
    _check_page(state, page)  # the document's <script> and <img> neither ran nor loaded
    text = browser.find_element("tag name", "body").text  # type: ignore[attr-defined]
    assert '<script>alert("coopstats")</script>' in text
    assert '<img src="https://example.invalid/x.png">' in text
