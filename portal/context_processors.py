from typing import Any

from django.http import HttpRequest

from portal.navigation import navigation_for


def ui(request: HttpRequest) -> dict[str, Any]:
    """What every page needs to draw the header: navigation by role and the elder mode."""
    user = request.user
    elder_mode = (
        user.elder_mode if user.is_authenticated else request.session.get("elder_mode", False)
    )
    return {"ui": {"elder_mode": elder_mode, "nav": navigation_for(request)}}
