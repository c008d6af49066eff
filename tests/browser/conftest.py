"""Browser journeys: Playwright (Python) driving Debian's Chromium against pytest-django's
live server, with axe-core checking every page a journey visits.

Fixtures: `browser` (one Chromium per session), `page` (a fresh context per test), `sign_in`
(signs a user in through the local sign-in page), `assert_accessible` (fails on any serious or
critical axe-core violation).
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import TEST_PASSWORD
from tests.services import missing_service

# Playwright's sync API runs an event loop in this thread; Django's ORM is used here only by
# fixtures between page actions, never concurrently.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = Path(settings.NODE_MODULES_DIR) / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing_service(f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, live_server: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    browser_page = context.new_page()
    yield browser_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.nodeid)[-150:]
        browser_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:  # type: ignore[type-arg]
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def assert_accessible() -> Callable[[object], None]:
    script = AXE_SCRIPT.read_text(encoding="utf-8") if AXE_SCRIPT.exists() else None

    def check(browser_page: object) -> None:
        if script is None:
            pytest.fail(f"axe-core is not installed at {AXE_SCRIPT}: run npm ci")
        # A click that navigates returns before the next document exists: check the page
        # the browser has finished loading, never one half-way through a navigation.
        browser_page.wait_for_load_state("load")  # type: ignore[attr-defined]
        browser_page.add_script_tag(content=script)  # type: ignore[attr-defined]
        results = browser_page.evaluate(  # type: ignore[attr-defined]
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        serious = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        if serious:
            lines = [
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious
            ]
            pytest.fail(f"Accessibility violations on {browser_page.url}:\n" + "\n".join(lines))  # type: ignore[attr-defined]

    return check


@pytest.fixture
def sign_in(assert_accessible: Callable[[object], None]) -> Callable[..., None]:
    """Sign in through the local sign-in page. The first time in a test, the sign-in page is
    checked with axe-core (assert_accessible) before anything is typed."""
    checked: list[bool] = []

    def do(browser_page: object, username: str, password: str = TEST_PASSWORD) -> None:
        browser_page.goto("/accounts/sign-in/")  # type: ignore[attr-defined]
        if not checked:
            assert_accessible(browser_page)
            checked.append(True)
        browser_page.fill("#id_username", username)  # type: ignore[attr-defined]
        browser_page.fill("#id_password", password)  # type: ignore[attr-defined]
        browser_page.get_by_role("button", name="Sign in", exact=True).click()  # type: ignore[attr-defined]

    return do
