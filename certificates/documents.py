"""The certificate as a one-page PDF: the type's layout, its data, a QR code and the short
code that open the public verification page.

Rendered by core.pdf (WeasyPrint, the process's one font configuration, system Noto CJK fonts
embedded as subsets) from a standalone page whose only stylesheet is
static/css/certificate-print.css — small on purpose: the guide's print.css would triple the
time spent on styles. The QR code is inline SVG (segno), so nothing is fetched.
"""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from certificates import identifiers, selectors
from certificates.models import Certificate
from core.pdf import render_pdf

STYLESHEET = "css/certificate-print.css"


def verify_url(certificate: Certificate) -> str:
    path = reverse("verify:page", args=[certificate.verify_code])
    return settings.SITE_URL.rstrip("/") + path


def qr_svg(url: str) -> str:
    """The QR code as an SVG element (medium error correction survives a worn print)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def certificate_html(certificate: Certificate) -> str:
    """The standalone HTML page the PDF is made from, always in the official language."""
    url = verify_url(certificate)
    fields = selectors.all_fields(certificate)
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "certificates/document.html",
            {
                "certificate": certificate,
                "type": certificate.type,
                "fields": fields,
                # 名称 already names an organisation holder: no second line for it.
                "show_holder": all(row["value"] != certificate.holder_name for row in fields),
                "person": certificate.holder_user_id is not None,
                "short_code": identifiers.format_short_code(certificate.short_code),
                "verify_base": settings.SITE_URL.rstrip("/") + reverse("verify:home"),
                "qr": qr_svg(url),  # SVG made by segno from our own URL: marked safe in the page
                "stylesheet": STYLESHEET,
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    return render_pdf(certificate_html(certificate))
