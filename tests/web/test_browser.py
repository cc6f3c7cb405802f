"""The page in a real browser: Playwright's Python driver with Debian's chromium.

Skipped, with the reason, when /usr/bin/chromium or the playwright package is
missing (``make test`` installs chromium when it can: see the Makefile). The
browser is never downloaded (no ``playwright install``). The fast tests use the
closed-form stand-in engine; the result page's screenshot goes to
``out/web/result.png``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")
pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

from playwright.sync_api import sync_playwright

from strokesim.web.app import create_app

from .conftest import TINY
from .server import serving

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUT = Path(__file__).resolve().parents[2] / "out" / "web"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is missing (apt-get install chromium; make test does it as root)",
)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(300_000)  # generous: the shared test machine can be slow
    pg = context.new_page()
    yield pg
    context.close()


def fill_patient(page, base: str, age: str = "67") -> None:
    """Fill the form with a day-3/day-7 record (days since stroke; no dates)."""
    page.goto(base + "/")
    page.fill("#age", age)
    page.check("input[name=affected_side][value=left]")
    page.fill("#stroke_date", "2026-03-02")
    rows = [
        ("3", "fma_ue", "21"),
        ("3", "safe", "5"),
        ("3", "mep", "present"),
        ("7", "fma_ue", "28"),
    ]
    for i, (day, measure, value) in enumerate(rows):
        row = page.locator("tr.obs-row").nth(i)
        row.locator("input[name=obs_day]").fill(day)
        row.locator("select[name=obs_measure]").select_option(measure)
        row.locator("input[name=obs_value]").fill(value)


def test_fill_submit_wait_and_see_the_plot_and_ranking(page, fake_engine) -> None:
    with serving(create_app(TINY)) as base:
        fill_patient(page, base)
        page.click("#add-row")  # any number of rows: one more, left blank
        assert page.locator("tr.obs-row").count() == 5
        page.click("#submit")
        page.wait_for_selector("#ranking", timeout=600_000)  # a loaded machine is slow
        assert page.locator("svg.plot").first.is_visible()
        ranked = page.locator("#ranking tbody tr")
        assert ranked.count() == len(TINY.protocols)
        assert "not clinical advice" in page.locator(".disclaimer").inner_text()
        assert page.locator("#prep2").inner_text() in ("Excellent", "Good", "Limited", "Poor")
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / "result.png"), full_page=True)
        assert (OUT / "result.png").stat().st_size > 10_000
        # the print stylesheet: buttons and downloads hidden, the statement kept
        page.emulate_media(media="print")
        assert not page.locator(".actions").is_visible()
        assert page.locator(".disclaimer").is_visible() and page.locator("#ranking").is_visible()
        page.screenshot(path=str(OUT / "result_print.png"), full_page=True)


def test_a_bad_value_gets_its_message_beside_the_field(page, fake_engine) -> None:
    with serving(create_app(TINY)) as base:
        fill_patient(page, base, age="17")
        page.locator("tr.obs-row").nth(0).locator("input[name=obs_value]").fill("70")
        page.click("#submit")
        page.wait_for_selector("#err-age", timeout=300_000)
        assert "must be a number in 18–110 years" in page.locator("#err-age").inner_text()
        assert "0–66" in page.locator("#err-obs-0-value").inner_text()
        assert page.locator("#age").get_attribute("aria-invalid") == "true"
        assert page.locator("#age").input_value() == "17"  # what was typed is kept


@pytest.mark.slow  # about 35 s on the shared machine; the routes' tests cover the options fast
def test_the_plan_options_chosen_in_the_browser_are_used(page, fake_engine) -> None:
    """Checkboxes, start day and minutes typed in a real browser reach the plan; writes
    out/web/plan_options.png."""
    with serving(create_app(TINY)) as base:
        fill_patient(page, base)
        page.click("#plan-options > summary")  # the section opens (a plain <details>)
        page.get_by_label("rTMS 1 Hz contralesional training").uncheck()
        page.get_by_label("VR training").check()
        page.get_by_label("Added therapy starts on day (since stroke)").fill("12")
        page.get_by_label("Minutes per session of the added training (1–480)").fill("45")
        OUT.mkdir(parents=True, exist_ok=True)
        page.locator("#plan-options").screenshot(path=str(OUT / "plan_options.png"))
        page.click("#submit")
        page.wait_for_selector("#ranking", timeout=600_000)
        ranked = page.locator("#ranking tbody tr")
        assert sorted(ranked.nth(i).get_attribute("data-protocol") for i in range(2)) == [
            "cimt_2_weeks",
            "vr_training",
        ]
        assert page.locator("#ranking td.start-day").all_inner_texts() == ["12", "12"]
        assert page.locator("#used-start-day").inner_text() == "day 12"
        assert page.locator("#used-minutes").inner_text() == "45 min"
        assert (
            "--start-day 12 --minutes-per-session 45"
            in page.locator("#cli-equivalent").inner_text()
        )


@pytest.mark.slow
def test_result_page_on_the_model_screenshot(page) -> None:
    """The model at the CLI's defaults but a smaller library; writes out/web/result_model.png."""
    from dataclasses import replace

    from strokesim.web.app import WEB_DEFAULTS

    settings = replace(
        WEB_DEFAULTS,
        library=int(os.environ.get("STROKESIM_WEB_LIBRARY", "256")),
        n_draws=int(os.environ.get("STROKESIM_WEB_DRAWS", "64")),
    )
    with serving(create_app(settings)) as base:
        fill_patient(page, base)
        page.click("#submit")
        page.wait_for_selector("#ranking", timeout=1_800_000)
        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / "result_model.png"), full_page=True)
