"""What the counter pages share: the clerk gate, the person being served (kept in the
session, so the ID number never travels in a URL) and the case lookup."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from cases.models import Case
from identity.models import User
from windows import counter_selectors
from windows import selectors as window_selectors

SESSION_PERSON = "windows.counter_person"

View = Callable[..., HttpResponse]


def clerk_required(view: View) -> View:
    """Counter pages are for window clerks only: anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not counter_selectors.is_clerk(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def served_person(request: HttpRequest) -> User | None:
    """The person the clerk is serving now (looked up on the workbench)."""
    person_id = request.session.get(SESSION_PERSON)
    if person_id is None:
        return None
    return User.objects.filter(pk=person_id, is_active=True).first()


def serve_person(request: HttpRequest, person: User | None) -> None:
    if person is None:
        request.session.pop(SESSION_PERSON, None)
    else:
        request.session[SESSION_PERSON] = person.pk


def case_or_404(request: HttpRequest, number: str) -> Case:
    """A case of the clerk's hall (or a counter draft they write); 404 for any other."""
    case = counter_selectors.counter_case(request.user, number)
    if case is None:
        raise Http404
    return case


def clerk_window(request: HttpRequest) -> Any:
    """The window the clerk is signed in to, if any (windows.selectors.clerk_session)."""
    session = window_selectors.clerk_session(request.user)
    return session.window if session is not None else None
