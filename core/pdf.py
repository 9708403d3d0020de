"""HTML to PDF with WeasyPrint, shared by every document the portal prints (service guides,
receipts, certificates).

Chinese text uses the system's Noto CJK fonts (Debian fonts-noto-cjk), named first by
static/css/print.css. A document may load files under the static directory and nothing else:
no network. WeasyPrint is imported on the first PDF, not at start-up: it costs about 36 MB in
every web worker, most of which never render a PDF.
"""

from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders

PRINT_CSS = "css/print.css"


def static_root() -> Path:
    """The static directory print.css is found in (static/ in development)."""
    found = finders.find(PRINT_CSS)
    if not found:
        raise FileNotFoundError(PRINT_CSS)
    return Path(found).resolve().parent.parent


@cache
def _renderer() -> tuple[Any, Any, Any]:
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class StaticFilesOnly(URLFetcher):
        """Let the document load files under the static directory and nothing else."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols={"file"})
            self.prefix = root.as_uri() + "/"

        def fetch(self, url: str, headers: dict | None = None):  # type: ignore[no-untyped-def]
            if not url.startswith(self.prefix) or ".." in url:
                raise ValueError(f"A printed document may not load {url}.")
            return super().fetch(url, headers)

    # One font configuration for the process: building it scans the system fonts.
    return HTML, FontConfiguration(), StaticFilesOnly


def render_pdf(html: str) -> bytes:
    """A4 PDF bytes of a standalone HTML document whose stylesheets are static files."""
    html_class, font_config, fetcher_class = _renderer()
    root = static_root()
    document = html_class(
        string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher_class(root)
    )
    return document.write_pdf(font_config=font_config)
