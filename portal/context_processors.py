from functools import cache
from typing import Any

from django.http import HttpRequest

from cases.notifications import unread_notice_count
from portal.navigation import navigation_for


def ui(request: HttpRequest) -> dict[str, Any]:
    """What every page needs to draw the header: navigation by role, the elder mode and the
    number of unread notices."""
    user = request.user
    elder_mode = (
        user.elder_mode if user.is_authenticated else request.session.get("elder_mode", False)
    )
    # Counted only when a page draws it (templates call callables), and then once.
    unread_notices = cache(lambda: unread_notice_count(user))
    return {
        "ui": {
            "elder_mode": elder_mode,
            "nav": navigation_for(request),
            "unread_notices": unread_notices,
        }
    }
