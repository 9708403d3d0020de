"""The service guide (办事指南) as a PDF, rendered with WeasyPrint from the same HTML the page
shows and the same print stylesheet the browser uses for printing.

Rendering (fonts, no network) is core.pdf's.
"""

from collections.abc import Sequence

from django.conf import settings
from django.template.loader import render_to_string

from core.pdf import PRINT_CSS, render_pdf
from matters.models import ImplementationVersion


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
    return render_pdf(guide_html(version=version, history=history))
