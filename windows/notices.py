"""The notices the window prints for the applicant: 受理通知书 (accepted, with the promised
deadline and any materials to supply later) and 不予受理通知书 (not accepted, with the
reason). Rendered by core.pdf like the receipt: print.css only, nothing from the network."""

from typing import Any

from django.template.loader import render_to_string

from cases.constants import Action, CaseState
from cases.models import Case, CaseEvent
from core.pdf import PRINT_CSS, render_pdf

ACCEPTANCE = "acceptance-notice"
REFUSAL = "refusal-notice"


def notice_kind(case: Case) -> str | None:
    """Which notice the case has: refusal once refused, acceptance once accepted."""
    if case.state == CaseState.REFUSED:
        return REFUSAL
    if case.accepted_at is not None:
        return ACCEPTANCE
    return None


def _event(case: Case, action: str) -> CaseEvent | None:
    return (
        CaseEvent.objects.filter(case=case, action=action)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def notice_html(*, case: Case) -> str:
    kind = notice_kind(case)
    names = {material.key: material.name for material in case.version.materials.all()}
    context: dict[str, Any] = {
        "case": case,
        "version": case.version,
        "kind": kind,
        "print_css": PRINT_CSS,
        "deferred": [names.get(key, key) for key in case.deferred_materials],
        "committed": [names.get(key, key) for key in case.commitment_materials],
        "event": _event(case, Action.REFUSE if kind == REFUSAL else Action.ACCEPT),
    }
    template = "refusal" if kind == REFUSAL else "acceptance"
    return render_to_string(f"windows/notices/{template}.html", context)


def notice_pdf(*, case: Case) -> bytes:
    """The case's notice as A4 PDF bytes (see notice_kind)."""
    return render_pdf(notice_html(case=case))
