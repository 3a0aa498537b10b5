"""The web page in a real browser (Debian's chromium via Playwright) against the real server."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import openpyxl
import pytest
from live_server import LiveServer
from tiny import tiny

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KEY = "browser-key"


def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} not found: run .ci/install-browser.sh"
    if os.environ.get("CI") == "true":
        pytest.fail(message)  # in CI a missing browser is a broken setup, not a reason to pass
    pytest.skip(message)


def test_page_solves_a_school_and_shows_the_grid(tmp_path):
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    server = LiveServer(tmp_path, KEY).start()
    try:
        created = httpx.post(f"{server.url}/schools", json=tiny(), headers={"X-API-Key": KEY}, timeout=10)
        assert created.status_code == 201
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page(accept_downloads=True)
                errors: list[str] = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.goto(server.url + "/")
                expect(page.locator("#school option")).to_have_count(1)
                expect(page.locator("#school")).to_have_value("tiny")
                page.fill("#api-key", KEY)
                page.fill("#time-limit", "10")
                page.click("#solve")

                expect(page.locator("#status")).to_have_text("已完成", timeout=30_000)
                grid = page.locator("#grid table.timetable")
                expect(grid).to_be_visible()
                expect(page.locator("#grid-title")).to_have_text("三年级1班 课表")
                expect(grid.locator("thead th")).to_have_text(["节次", "周一", "周二", "周三"])
                expect(grid.locator("td[data-subject='chinese']")).to_have_count(4)
                colour = grid.locator("td[data-subject='chinese']").first.evaluate("td => td.style.background")
                assert colour, "subjects are colour-coded"
                expect(page.locator("#report-summary")).to_contain_text("检查通过")

                page.select_option("#kind", "teachers")
                page.select_option("#entity", "t3")
                expect(page.locator("#grid-title")).to_have_text("王老师 课表")
                expect(grid.locator("td[data-subject='math']")).to_have_count(6)

                with page.expect_download() as download_info:
                    page.click("#download-xlsx")
                saved = tmp_path / "download.xlsx"
                download_info.value.save_as(saved)
                assert any("三年级1班" in name for name in openpyxl.load_workbook(saved).sheetnames)

                # the teachers' load table under the grid
                expect(page.locator("#extra-table table tbody tr")).to_have_count(5)
                # re-plan against this timetable: nothing changed in the school, so nothing moves
                page.click("#replan")
                expect(page.locator("#changes-summary")).to_contain_text("移动 0 节", timeout=30_000)
                expect(page.locator("#status")).to_have_text("已完成")
                assert errors == []
            finally:
                browser.close()
    finally:
        server.kill()
