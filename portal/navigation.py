"""The header navigation, by role. Later features add their entry here."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from identity.constants import Role
from identity.selectors import user_roles
from sharing import policies as sharing_policies
from windows import policies as window_policies


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    shown_to: Callable[[HttpRequest], bool]
    # The name of a count in the `ui` context drawn as a badge beside the label.
    badge: str = ""
    # Pages under another entry's address that belong to this one (view names), e.g. a case's
    # review page (/cases/<number>/review/) is part of the review queue, not of "My cases".
    owns: tuple[str, ...] = ()


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    active: bool
    badge: str = ""


def _everyone(request: HttpRequest) -> bool:
    return True


def _signed_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated


def _supervising(request: HttpRequest) -> bool:
    roles = user_roles(request.user)
    return Role.SUPERVISOR in roles or Role.DEPARTMENT_HEAD in roles


def _reviewing(request: HttpRequest) -> bool:
    return bool(user_roles(request.user) & {Role.REVIEWER, Role.DEPARTMENT_HEAD})


def _exchange_staff(request: HttpRequest) -> bool:
    return request.user.is_authenticated and sharing_policies.uses_exchange(request.user)


def _admin_site(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


ENTRIES = [
    NavEntry(_("Home"), "portal:home", _everyone),
    NavEntry(_("Services"), "matters:home", _everyone),
    NavEntry(_("My space"), "identity:profile", _signed_in),
    NavEntry(_("My cases"), "cases:mine", _signed_in),
    NavEntry(_("My certificates"), "certificates:wallet", _signed_in),
    NavEntry(_("Inbox"), "cases:inbox", _signed_in, badge="unread_notices"),
    NavEntry(
        _("Review queue"),
        "cases:queue",
        _reviewing,
        owns=("cases:review", "cases:review-act", "cases:material-verify"),
    ),
    NavEntry(_("Authorisations"), "identity:authorisations", _signed_in),
    NavEntry(_("Queue and appointments"), "windows:mine", _signed_in),
    NavEntry(_("My window"), "windows:window", lambda r: window_policies.is_clerk(r.user)),
    NavEntry(_("Data use"), "sharing:my-data-use", _signed_in),
    NavEntry(_("Complaints"), "supervision:complaints", _signed_in),
    NavEntry(_("Data sharing"), "sharing:home", _exchange_staff),
    NavEntry(_("Supervision"), "dashboards:home", _supervising),
    NavEntry(_("Administration"), "admin:index", _admin_site),
]


def _matches(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def navigation_for(request: HttpRequest) -> list[NavItem]:
    shown = [(entry, reverse(entry.url_name)) for entry in ENTRIES if entry.shown_to(request)]
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    owner = next((url for entry, url in shown if view_name in entry.owns), None)
    # Otherwise only the most specific match is current: /cases/inbox/ is the inbox, not
    # "My cases".
    current = owner or max(
        (url for _entry, url in shown if _matches(request.path, url)), key=len, default=""
    )
    return [NavItem(entry.label, url, url == current, entry.badge) for entry, url in shown]
