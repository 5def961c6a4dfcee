"""The reports open in a real browser: headless Chromium through Debian's chromedriver.

``reports/index.html`` and every report it links load with no console error, no
request to anything but the local files, every image decoded and every link
resolving. Every report is built in both languages, with its PDF; a full-page
screenshot of each goes to the artefact folder (``$COOPSTATS_TEST_ARTEFACTS``, else
``.artefacts/`` in the project) for a person to look at. Where Chromium or its
driver is missing the test is skipped, except under ``CI=true``, where a missing
browser fails the run (``.ci/run`` installs Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from coopstats import reports

DRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
BROWSER_CANDIDATES = ("chromium", "chromium-browser")
LOCAL_SCHEMES = {"file", "data", "about", "blob"}
ARTEFACTS = Path(os.environ.get("COOPSTATS_TEST_ARTEFACTS", Path(__file__).parents[1] / ".artefacts"))

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
        # every report in both languages (issue 18), each printed to PDF
        ("agency_workload", {"doc_id": "panprd-gd-opinions-2017", "lang": "zh"}),
        ("trade_investment", {"lang": "zh"}),
        ("document_profile", {}),
        ("document_profile", {"lang": "zh"}),
        ("getting_started", {}),
        ("getting_started", {"lang": "zh"}),
        ("cooperation_agenda", {}),
        ("cooperation_agenda", {"lang": "zh"}),
    ]
    records = reports.run_all(out, jobs=2, grid=grid, progress=False, pdf=True)
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
    assert "index.zh.html" in links  # the Chinese edition of the index
    report_links = [link for link in links if link.endswith(".html") and not link.startswith("index")]
    assert len(report_links) == 11, links
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
    entries = json.loads((built_reports / "index.json").read_text(encoding="utf-8"))["reports"]
    page = built_reports / next(e["html"] for e in entries if "source" in e["parameters"])
    state = _open(browser, page)
    _check_page(state, page)  # the document's <script> and <img> neither ran nor loaded
    text = browser.find_element("tag name", "body").text  # type: ignore[attr-defined]
    assert '<script>alert("coopstats")</script>' in text
    assert '<img src="https://example.invalid/x.png">' in text


def _screenshot(driver: object, path: Path) -> bytes:
    """A PNG of the whole page (beyond the window), as Chromium's DevTools print it."""
    from selenium.common.exceptions import TimeoutException

    for attempt in range(3):  # a capture can race the page's own layout; try again on a fresh load
        driver.get(path.resolve().as_uri())  # type: ignore[attr-defined]
        try:
            shot = driver.execute_cdp_cmd(  # type: ignore[attr-defined]
                "Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png"}
            )
        except TimeoutException:
            if attempt == 2:
                raise
            continue
        return base64.b64decode(shot["data"])
    raise AssertionError("unreachable")


def test_a_screenshot_of_every_report_in_both_languages(browser: object, built_reports: Path) -> None:
    folder = ARTEFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    indexes = [built_reports / "index.html", built_reports / "index.zh.html"]
    pages = [*sorted(built_reports.glob("*/*.html")), *indexes]
    names = {p.parent.name for p in pages if p.parent != built_reports}
    assert names == set(reports.available_reports())
    for page in pages:
        png = _screenshot(browser, page)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000, page
        name = "index" if page.parent == built_reports else page.parent.name
        (folder / f"{name}__{page.stem}.png").write_bytes(png)
        width = browser.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        assert width <= 1200, (page, width)  # nothing pushes the page sideways
    index = _open(browser, built_reports / "index.zh.html")
    _check_page(index, built_reports / "index.zh.html")
    assert index["title"] == "coopstats 报告"
    chinese = _open(browser, built_reports / "cooperation_agenda" / "lang-zh.html")
    assert str(chinese["title"]).startswith("合作议程（")
    body = browser.find_element("tag name", "body").text  # type: ignore[attr-defined]
    for words in ("各文件的主题占比", "工作量的集中度", "偏差校正加速（BCa）", "相似度"):
        assert words in body, words
    for words in ("Theme shares by document", "task_id_a", "chi2", "cramers_v"):
        assert words not in body, words


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return unicodedata.normalize("NFKC", text)  # Chromium's CJK text maps some glyphs to Kangxi radicals


def test_every_report_has_a_pdf_with_its_chinese_text(built_reports: Path) -> None:
    index = json.loads((built_reports / "index.json").read_text(encoding="utf-8"))["reports"]
    assert len(index) == 11
    folder = ARTEFACTS / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    for entry in index:
        assert entry["pdf"], entry
        pdf = built_reports / entry["pdf"]
        assert pdf.read_bytes()[:5] == b"%PDF-", pdf
        shutil.copy(pdf, folder / f"{entry['name']}__{pdf.stem}.pdf")
    workload = _pdf_text(built_reports / "agency_workload" / "doc_id-panprd-gd-opinions-2017__lang-zh.pdf")
    assert "省发展改革委" in workload and "机构工作量" in workload and "涉及任务最多" in workload
    english = _pdf_text(built_reports / "agency_workload" / "doc_id-panprd-gd-opinions-2017.pdf")
    assert "Agency workload" in english and "Named in most tasks" in english
    agenda = _pdf_text(built_reports / "cooperation_agenda" / "lang-zh.pdf")
    assert "工作量的集中度" in agenda


def test_no_pdf_engine_is_a_clear_error_before_any_kernel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from coopstats.errors import ReportError
    from coopstats.reports import pdf

    monkeypatch.setattr(pdf, "_has_weasyprint", lambda: False)
    monkeypatch.setattr(pdf, "_chromium", lambda: None)
    with pytest.raises(ReportError, match=r"WeasyPrint.*Chromium"):
        reports.run_report("trade_investment", {}, tmp_path, pdf=True)
    assert not list(tmp_path.glob("*/*.ipynb"))  # nothing ran
