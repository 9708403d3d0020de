"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

Each step of a journey is saved as a screenshot under test-artifacts/e2e/ and checked with
axe-core (from npm, `npm ci`); a serious or critical accessibility violation fails the step.
Every journey runs at desktop and at phone width.

CI (`.ci/run`) installs Chromium and axe-core and sets PORTAL_E2E_REQUIRED=1, so there the
journeys never skip; on a developer machine without Chromium they skip with the reason.

The pictures of docs/screenshots/ are steps of these journeys: a step given `docs="name"`
is also saved there, cropped to the window, when the journeys run with PORTAL_E2E_DOCS=1
(`PORTAL_E2E_DOCS=1 .venv/bin/pytest -p no:xdist tests/e2e`).
"""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

# The sync Playwright API runs an event loop in the test's thread; the ORM calls the tests
# make around it are ordinary blocking calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(settings.BASE_DIR)
ARTEFACTS = ROOT / "test-artifacts" / "e2e"
DOCS = ROOT / "docs" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True},
}
BLOCKING_IMPACTS = {"serious", "critical"}


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing_tools() -> str:
    if _chromium() is None:
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    return ""


@pytest.fixture(scope="session")
def browser() -> Iterator:
    missing = _missing_tools()
    if missing:
        if os.environ.get("PORTAL_E2E_REQUIRED"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield browser
        browser.close()


class AccessibilityViolations(AssertionError):
    pass


class Journey:
    """A browser tab plus the bookkeeping of one journey: numbered screenshots and an
    accessibility check of every page it shows."""

    def __init__(self, page, base_url: str, folder: Path, width: str = "desktop") -> None:
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.width = width
        self.steps = 0
        # Anything the content security policy blocks is a bug of the page.
        self.refused: list[str] = []
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.refused.append(f"{self.page.url}: {message.text}")

    def open(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def sign_in(self, id_number: str, password: str) -> None:
        """Sign in on the sign-in page, as the person would."""
        self.open("/accounts/sign-in/")
        self.page.locator("#id_id_number").fill(id_number)
        self.page.locator("#id_password").fill(password)
        with self.page.expect_navigation():
            self.page.locator("main form button[type=submit]").click()
        assert "/accounts/sign-in/" not in self.page.url, "the sign-in was refused"

    def step(
        self, name: str, *, docs: str = "", docs_widths: tuple[str, ...] = ("desktop",)
    ) -> None:
        """Record the page as it is now: a screenshot, then axe-core's verdict. With `docs`,
        the step is also a picture of docs/screenshots/ (see the module's docstring)."""
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{slug}.png", full_page=True)
        if docs and self.width in docs_widths and os.environ.get("PORTAL_E2E_DOCS"):
            DOCS.mkdir(parents=True, exist_ok=True)
            # The window only, not the full page: the README's pictures stay small.
            self.page.screenshot(path=DOCS / f"{docs}-{self.width}.png")
        assert self.refused == [], self.refused
        self.check_accessibility(name)

    def check_accessibility(self, name: str) -> None:
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            details = "; ".join(
                f"{v['id']} ({v['impact']}): {v['help']} at "
                + ", ".join(str(node["target"]) for node in v["nodes"][:3])
                for v in blocking
            )
            raise AccessibilityViolations(f"{name} — {self.page.url}: {details}")


@pytest.fixture(params=sorted(VIEWPORTS))
def journey(request, browser, live_server) -> Iterator[Journey]:
    """A fresh browser context (no cookies) at desktop or phone width."""
    width = request.param
    context = browser.new_context(locale="zh-CN", **VIEWPORTS[width])
    context.set_default_timeout(15_000)
    # Injected by the browser itself on every page, so the pages' CSP need not allow it.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    test_name = request.node.originalname
    try:
        yield Journey(page, live_server.url, ARTEFACTS / test_name / width, width)
    finally:
        context.close()
