"""The header navigation, by role. Later features add their entry here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    shown_to: Callable[[HttpRequest], bool]


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool


def _everyone(request: HttpRequest) -> bool:
    return True


def _signed_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated


def _admin_site(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


ENTRIES = [
    NavEntry(_("Home"), "portal:home", _everyone),
    NavEntry(_("Services"), "matters:home", _everyone),
    NavEntry(_("My space"), "identity:profile", _signed_in),
    NavEntry(_("Authorisations"), "identity:authorisations", _signed_in),
    NavEntry(_("Administration"), "admin:index", _admin_site),
]


def navigation_for(request: HttpRequest) -> list[NavItem]:
    items = []
    for entry in ENTRIES:
        if entry.shown_to(request):
            url = reverse(entry.url_name)
            active = request.path == url or (url != "/" and request.path.startswith(url))
            items.append(NavItem(entry.label, url, active))
    return items
