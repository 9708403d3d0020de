"""The receipt of an application (提交回执, or 受理回执 once accepted) as a PDF.

Rendered by core.pdf like the service guide: the process's one font configuration, system
fonts ("Noto Sans CJK SC" first, named by print.css), nothing fetched from the network — the
only file the document loads is print.css. No QR code and no image.
"""

from django.template.loader import render_to_string

from cases.models import Case
from core.pdf import PRINT_CSS, render_pdf


def receipt_html(*, case: Case) -> str:
    """The standalone HTML document the receipt PDF is made from.

    `case` should have its version, department, applicant, organisation and agent loaded and
    its files and the version's materials prefetched (cases.views.apply loads it so)."""
    names = {material.key: material.name for material in case.version.materials.all()}
    received = [
        {"name": names.get(given.material_key, given.material_key), "file": given}
        for given in case.materials.all()
    ]
    return render_to_string(
        "cases/receipt_document.html",
        {"case": case, "version": case.version, "received": received, "print_css": PRINT_CSS},
    )


def receipt_pdf(*, case: Case) -> bytes:
    """The receipt of a submitted case as A4 PDF bytes."""
    return render_pdf(receipt_html(case=case))
