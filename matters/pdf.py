"""The service guide (办事指南) as a PDF, rendered with WeasyPrint from the same HTML the page
shows and the same print stylesheet the browser uses for printing.

Fonts come from the system (Debian fonts-noto-cjk): print.css names "Noto Sans CJK SC" and
"Noto Serif CJK SC" first. Nothing is fetched from the network: the only resource the
document may load is a file under the static directory holding print.css.
"""

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from matters.models import ImplementationVersion

PRINT_CSS = "css/print.css"

# One font configuration for the process: building it scans the system fonts.
FONT_CONFIG = FontConfiguration()


def _static_root() -> Path:
    """The directory print.css is found in (static/ in development, the finders' answer)."""
    found = finders.find(PRINT_CSS)
    if not found:
        raise FileNotFoundError(PRINT_CSS)
    return Path(found).resolve().parent.parent


class _StaticFilesOnly(URLFetcher):
    """Let the document load files under the static directory and nothing else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file"})
        self.prefix = root.as_uri() + "/"

    def fetch(self, url: str, headers: dict | None = None):  # type: ignore[no-untyped-def]
        if not url.startswith(self.prefix) or ".." in url:
            raise ValueError(f"The service guide may not load {url}.")
        return super().fetch(url, headers)


def guide_html(*, version: ImplementationVersion, history: Sequence[ImplementationVersion]) -> str:
    """The standalone HTML document the PDF is made from (no navigation, no buttons)."""
    return render_to_string(
        "matters/guide_document.html",
        {
            "version": version,
            "history": history,
            "print_css": PRINT_CSS,
            "site_url": settings.SITE_URL.rstrip("/"),
        },
    )


def guide_pdf(*, version: ImplementationVersion, history: Sequence[ImplementationVersion]) -> bytes:
    """The service guide of a published version as A4 PDF bytes."""
    root = _static_root()
    document = HTML(
        string=guide_html(version=version, history=history),
        base_url=root.as_uri() + "/",
        url_fetcher=_StaticFilesOnly(root),
    )
    return document.write_pdf(font_config=FONT_CONFIG)
