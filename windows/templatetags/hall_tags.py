"""`{% ticket_controls window %}`: the ticket controls of a window (call next, recall,
skip, start, finish, transfer) for the window page and the clerk's workbench."""

from typing import Any

from django import template

from windows import selectors
from windows.forms import TransferForm
from windows.models import Window

register = template.Library()


@register.inclusion_tag("windows/_ticket_controls.html", takes_context=True)
def ticket_controls(context: template.Context, window: Window | None) -> dict[str, Any]:
    request = context["request"]
    ticket = selectors.current_ticket(window) if window is not None else None
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "window": window,
        "ticket": ticket,
        "waiting_count": selectors.window_waiting(window).count() if window else 0,
        "transfer_form": TransferForm(window=window, auto_id="transfer_%s")
        if ticket is not None
        else None,
        "next_url": request.get_full_path(),
    }
