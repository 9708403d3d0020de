"""The access matrix: every URL pattern of the project × eight kinds of caller, each cell
asserting the status the portal must answer. Refusals are strict: a stranger to an object
(another citizen, an agent nobody authorised, a clerk of another hall, a reviewer of another
department) gets 404 — or 403 on staff pages a citizen may not use — and never 200. A pattern
without a row fails `test_every_url_pattern_has_a_row`, so a new page must say who may use it.

Rows are `row(method, kwargs, **expected)`: the method to try (GET for pages, POST with an
empty body for actions), a function building the URL's kwargs from the world's objects
(tests/security/world.py), and the statuses acceptable per role, built from the presets
below and overridden per role where a page differs."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.world import ROLES, World, build_world

Statuses = frozenset[int]
Expected = dict[str, Statuses]

ANON_PAGE = frozenset({302})  # to the sign-in page
ANON_API = frozenset({401, 403})
OK = frozenset({200})
NOT_FOUND = frozenset({404})
FORBIDDEN = frozenset({403})
REFUSED = frozenset({403, 404})
STRANGERS = ("other_citizen", "agent", "other_hall_clerk", "other_department_reviewer")
CITIZENS = ("owner", "other_citizen", "agent")
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Row:
    method: str
    kwargs: Callable[[World], dict[str, Any]]
    expected: Expected


def _s(value: Any) -> Statuses:
    return frozenset({value}) if isinstance(value, int) else frozenset(value)


def row(
    method: str,
    kwargs: Callable[[World], dict[str, Any]] | None = None,
    *,
    base: Expected,
    **overrides: Any,
) -> Row:
    expected = {role: _s(statuses) for role, statuses in base.items()}
    for role, statuses in overrides.items():
        if role == "strangers":
            expected.update({stranger: _s(statuses) for stranger in STRANGERS})
        elif role == "citizens":
            expected.update({citizen: _s(statuses) for citizen in CITIZENS})
        else:
            assert role in ROLES, role
            expected[role] = _s(statuses)
    return Row(method, kwargs or (lambda w: {}), expected)


def everyone(statuses: Any) -> Expected:
    return {role: _s(statuses) for role in ROLES}


def signed_in(statuses: Any = OK, anonymous: Any = ANON_PAGE) -> Expected:
    return {**everyone(statuses), "anonymous": _s(anonymous)}


def owned(owner: Any = OK, anonymous: Any = ANON_PAGE) -> Expected:
    """The owner's object: strangers, supervisors and administrators see nothing there."""
    return {**everyone(NOT_FOUND), "anonymous": _s(anonymous), "owner": _s(owner)}


def staff(staff_ok: Any, citizens: Any = FORBIDDEN, anonymous: Any = ANON_PAGE) -> Expected:
    """A staff page: citizens are refused, staff get `staff_ok` unless overridden."""
    base = {**everyone(staff_ok), "anonymous": _s(anonymous)}
    base.update({citizen: _s(citizens) for citizen in CITIZENS})
    return base


def api(statuses: Any = OK) -> Expected:
    return signed_in(statuses, anonymous=ANON_API)


# --- kwargs builders ----------------------------------------------------------------------


def case(w: World) -> dict[str, Any]:
    return {"number": w.objects["case"].number}


def service(w: World) -> dict[str, Any]:
    return {"code": w.objects["version"].implementation.code}


def hall(w: World) -> dict[str, Any]:
    return {"hall_id": w.objects["hall"].pk}


def hall_pk(w: World) -> dict[str, Any]:
    return {"pk": w.objects["hall"].pk}


def window_pk(w: World) -> dict[str, Any]:
    return {"pk": w.objects["hall"].windows.order_by("pk").first().pk}


def ticket(w: World) -> dict[str, Any]:
    return {"pk": w.objects["ticket"].pk}


def certificate(w: World) -> dict[str, Any]:
    return {"public_id": w.objects["certificate"].public_id}


def complaint(w: World) -> dict[str, Any]:
    return {"number": w.objects["complaint"].number}


def resource(w: World) -> dict[str, Any]:
    return {"code": w.objects["resource"].code}


def access_request(w: World) -> dict[str, Any]:
    return {"public_id": w.objects["access_request"].public_id}


def const(**kwargs: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: kwargs


POST_DONE = (200, 302, 400, 409)  # an action a caller may attempt: done, redirected or refused
COUNTER_POST = (200, 302, 400)  # a counter form the clerk may send: shown again or redirected

MATRIX: dict[str, Row] = {
    # --- portal and accounts ------------------------------------------------------------
    "portal:home": row("GET", base=everyone(OK)),
    "healthz": row("GET", base=everyone(OK)),
    "set_language": row("POST", base=everyone({302})),
    # Signed in, the forms still open (to register someone else, or to switch accounts).
    "identity:register": row("GET", base=everyone(OK)),
    "identity:sign-in": row("GET", base=everyone(OK)),
    "identity:sign-out": row("POST", base=everyone({302})),
    "identity:profile": row("GET", base=signed_in()),
    "identity:password-change": row("GET", base=signed_in()),
    # POST only; without an account the choice is kept in the session.
    "identity:preferences": row("POST", base=everyone({302})),
    "identity:authorisations": row("GET", base=signed_in()),
    "identity:authorisation-revoke": row(
        "POST",
        lambda w: {"public_id": w.objects["authorisation"].public_id},
        base=owned(owner=302),
    ),
    "identity:two-factor": row("GET", base=signed_in()),
    "identity:password-reset": row("GET", base=everyone(OK)),
    "identity:password-reset-sent": row("GET", base=everyone(OK)),
    "identity:password-reset-confirm": row(
        "GET", const(uidb64="MQ", token="set-password"), base=everyone(OK)
    ),
    "identity:password-reset-complete": row("GET", base=everyone(OK)),
    # --- catalogue ----------------------------------------------------------------------
    "matters:home": row("GET", base=everyone(OK)),
    "matters:search": row("GET", base=everyone(OK)),
    "matters:bundle-list": row("GET", base=everyone(OK)),
    "matters:bundle-detail": row(
        "GET", lambda w: {"code": w.objects["bundle"].code}, base=everyone(OK)
    ),
    "matters:guide": row("GET", service, base=everyone(OK)),
    "matters:guide-pdf": row("GET", service, base=everyone(OK)),
    # The material has neither blank form nor sample: nobody gets a file.
    "matters:material-file": row(
        "GET", lambda w: {**service(w), "key": "id_card", "kind": "form"}, base=everyone(404)
    ),
    "admin:index": row("GET", base=everyone({302}), admin=200),
    # --- API: accounts and catalogue ----------------------------------------------------
    "api-register": row("POST", base=everyone(400)),  # open to anyone, no authentication
    "api-token": row("POST", base=everyone(400)),
    # They end API tokens and read only the token: a browser session is no one to them.
    "api-logout": row("POST", base=everyone(ANON_API)),
    "api-logout-all": row("POST", base=everyone(ANON_API)),
    "api-me": row("GET", base=api()),
    "api-matters": row("GET", base=everyone(OK)),
    "api-matter": row("GET", service, base=everyone(OK)),
    "api-bundles": row("GET", base=everyone(OK)),
    "api-bundle": row("GET", lambda w: {"code": w.objects["bundle"].code}, base=everyone(OK)),
    # --- API: cases ---------------------------------------------------------------------
    "api-cases": row("GET", base=api()),
    # Supervisors read every case (SPEC §1) and act on none: 403, before the input is read.
    "api-case": row("GET", case, base=owned(anonymous=ANON_API), supervisor=200),
    "api-case-transitions": row(
        "POST", case, base=owned(owner=400, anonymous=ANON_API), supervisor=403
    ),
    "api-case-materials": row(
        "POST", case, base=owned(owner=(400, 409), anonymous=ANON_API), supervisor=403
    ),
    "api-case-rating": row(
        "POST", case, base=owned(owner=(400, 409), anonymous=ANON_API), supervisor=403
    ),
    "api-complaints": row("GET", base=api()),
    "api-complaint": row("GET", complaint, base=owned(anonymous=ANON_API), supervisor=200),
    # The empty body proves the permission passed for those who may act (400), no more.
    "api-complaint-transitions": row(
        "POST", complaint, base=owned(owner=400, anonymous=ANON_API), supervisor=400
    ),
    # A reviewer's queue; supervisors and superusers read any, but must name the department.
    "api-queue": row(
        "GET",
        base=staff(OK, citizens=403, anonymous=ANON_API),
        other_hall_clerk=403,
        supervisor=400,
        admin=400,
    ),
    "api-queue-consultations": row(
        "GET", base=staff(403, anonymous=ANON_API), other_department_reviewer=200
    ),
    "api-queue-notices": row(
        "GET", base=staff(403, anonymous=ANON_API), other_department_reviewer=200
    ),
    # --- API: hall ----------------------------------------------------------------------
    "api-halls": row("GET", base=everyone(OK)),
    "api-hall": row("GET", hall_pk, base=everyone(OK)),
    "api-hall-display": row("GET", hall_pk, base=everyone(OK)),
    "api-hall-slots": row("GET", hall_pk, base=everyone(OK)),
    "api-hall-check-in": row("POST", hall_pk, base=everyone(400)),  # the kiosk: no sign-in
    "api-tickets": row("GET", base=api()),
    "api-ticket": row("GET", ticket, base=owned(anonymous=ANON_API)),
    # Clerks' actions: 403 for anyone who is no clerk (the ticket's holder too), 404 for a
    # clerk of another hall.
    "api-ticket-actions": row(
        "POST", ticket, base=staff(403, anonymous=ANON_API), other_hall_clerk=404
    ),
    "api-call-next": row(
        "POST", window_pk, base=staff(403, anonymous=ANON_API), other_hall_clerk=404
    ),
    "api-window-session": row(
        "POST", window_pk, base=staff(403, anonymous=ANON_API), other_hall_clerk=404
    ),
    "api-appointments": row("GET", base=api()),
    "api-appointment-cancel": row(
        "POST", const(code="NOSUCHCODE"), base=everyone(404), anonymous=ANON_API
    ),
    # --- API: data sharing and certificates ---------------------------------------------
    # The published catalogue, and the caller's departments' requests and grants (an empty
    # list for anyone acting for none: tests/sharing/test_requests.py).
    "api-sharing-resources": row("GET", base=api()),
    "api-sharing-requests": row("GET", base=api()),
    "api-sharing-grants": row("GET", base=api()),
    # Department systems' API keys only: a person signed in is refused.
    "api-sharing-data": row(
        "GET",
        lambda w: {"resource": w.objects["resource"].code},
        base=everyone(403),
        anonymous=ANON_API,
    ),
    "api-me-data-access-log": row("GET", base=api()),
    "api-me-objections": row("GET", base=api()),
    "api-certificates": row("GET", base=api()),
    "api-certificates-lookup": row("GET", base=api(403)),  # department systems' keys only
    "api-certificate": row("GET", certificate, base=owned(anonymous=ANON_API)),
    # 409 while the PDF is still being rendered.
    "api-certificate-pdf": row(
        "GET", certificate, base=owned(owner=(200, 409), anonymous=ANON_API)
    ),
    # Public verification answers "unknown" for a code it does not know (API.md).
    "api-verify": row("GET", const(code="NOSUCHCODE"), base=everyone(OK)),
    # --- cases: back office -------------------------------------------------------------
    # Only a department's reviewers have an inbox: for anyone else there is no such page.
    "cases:department-inbox": row("GET", base=signed_in(404), other_department_reviewer=200),
    "cases:department-notice-read": row("POST", const(pk=999999), base=signed_in(404)),
    "cases:queue": row("GET", base=staff(OK), other_hall_clerk=403),
    # The review page exists only for those playing a staff part in the case: the
    # applicant too is told there is none (tests/cases/test_review.py); supervisors read it.
    "cases:review": row("GET", case, base=owned(owner=404), supervisor=200),
    "cases:review-act": row("POST", case, base=owned(owner=404)),
    "cases:material-verify": row(
        "POST", lambda w: {**case(w), "key": "id_card"}, base=owned(owner=404), supervisor=403
    ),
    "cases:decision": row("GET", case, base=owned(owner=404)),
    # --- cases: the applicant's side ----------------------------------------------------
    "cases:apply": row("GET", service, base=signed_in()),
    # A supervisor is sent to the case page, which he may read.
    "cases:edit": row("GET", case, base=owned(owner=(302, 409)), supervisor=302),
    "cases:material-upload": row("POST", case, base=owned(owner=POST_DONE)),
    # Nothing was uploaded for the material: nobody gets a file.
    "cases:material-download": row(
        "GET", lambda w: {**case(w), "key": "id_card"}, base=owned(owner=404)
    ),
    "cases:receipt": row("GET", case, base=owned(), supervisor=200),
    "cases:apply-bundle": row(
        "GET", lambda w: {"code": w.objects["bundle"].code}, base=signed_in()
    ),
    "cases:bundle-edit": row("GET", case, base=owned(owner=404)),
    "cases:bundle-material-upload": row("POST", case, base=owned(owner=404)),
    "cases:mine": row("GET", base=signed_in()),
    "cases:inbox": row("GET", base=signed_in()),
    "cases:notice-read": row("POST", const(pk=999999), base=signed_in(404)),
    "cases:detail": row("GET", case, base=owned(), supervisor=200),
    "cases:withdraw": row("POST", case, base=owned(owner=POST_DONE), supervisor=403),
    "cases:delivery": row("POST", case, base=owned(owner=POST_DONE), supervisor=403),
    # --- hall: citizens -----------------------------------------------------------------
    "windows:mine": row("GET", base=signed_in()),
    "windows:take": row("POST", base=signed_in(POST_DONE)),
    "windows:book": row("GET", hall, base=signed_in()),
    "windows:appointment-cancel": row("POST", const(code="NOSUCHCODE"), base=signed_in(404)),
    "windows:kiosk": row("GET", hall, base=everyone(OK)),
    "windows:kiosk-take": row("POST", hall, base=everyone(POST_DONE)),
    "windows:kiosk-check-in": row("POST", hall, base=everyone(POST_DONE)),
    "windows:kiosk-ticket": row(
        "GET", lambda w: {**hall(w), "token": "nosuchtoken"}, base=everyone(404)
    ),
    "windows:display": row("GET", hall, base=everyone(OK)),
    # --- hall: the clerk's window and counter -------------------------------------------
    # These pages are the signed-in clerk's own window (no hall in the URL): the clerk of
    # 西陵区 uses his own; nobody else has one.
    "windows:window": row("GET", base=staff(403), other_hall_clerk=200),
    "windows:window-sign-in": row("POST", base=staff(403), other_hall_clerk=400),
    "windows:window-sign-out": row("POST", base=staff(403), other_hall_clerk=302),
    "windows:window-call-next": row("POST", base=staff(403), other_hall_clerk=302),
    "windows:window-issue": row("POST", base=staff(403), other_hall_clerk=302),
    "windows:window-check-in": row("POST", base=staff(403), other_hall_clerk=302),
    "windows:ticket-transfer": row("POST", ticket, base=staff(REFUSED)),
    "windows:ticket-action": row(
        "POST", lambda w: {**ticket(w), "action": "skip"}, base=staff(REFUSED)
    ),
    "windows:workbench": row("GET", base=staff(403), other_hall_clerk=200),
    "windows:counter-person": row("POST", base=staff(403), other_hall_clerk=COUNTER_POST),
    "windows:counter-person-done": row("POST", base=staff(403), other_hall_clerk=302),
    "windows:counter-intake": row("POST", base=staff(403), other_hall_clerk=COUNTER_POST),
    "windows:counter-case": row("GET", case, base=staff(REFUSED)),
    "windows:counter-edit": row("GET", case, base=staff(REFUSED)),
    "windows:counter-upload": row("POST", case, base=staff(REFUSED)),
    "windows:counter-accept": row("POST", case, base=staff(REFUSED)),
    "windows:counter-refuse": row("POST", case, base=staff(REFUSED)),
    "windows:counter-correction": row("POST", case, base=staff(REFUSED)),
    "windows:counter-decide": row("POST", case, base=staff(REFUSED)),
    "windows:counter-commitment": row("POST", case, base=staff(REFUSED)),
    "windows:counter-supply": row("POST", case, base=staff(REFUSED)),
    "windows:counter-notice": row("GET", case, base=staff(REFUSED)),
    "windows:pickup": row("GET", base=staff(403), other_hall_clerk=200),
    "windows:pickup-hand-out": row("POST", case, base=staff(REFUSED)),
    "windows:pickup-post": row("POST", case, base=staff(REFUSED)),
    # 容缺受理 still due: a clerk sees their hall's, a supervisor every hall's.
    "windows:deferred": row("GET", base=staff(403), other_hall_clerk=200, supervisor=200),
    # The applicant supplies a deferred material from the case page.
    "windows:supply": row("POST", case, base=owned(owner=POST_DONE), supervisor=403),
    # --- data sharing -------------------------------------------------------------------
    # The exchange's pages are for staff acting for a department in it (reviewers, heads)
    # and platform reviewers; supervisors read them and act on nothing; clerks and a
    # superuser without a role may not use them.
    "sharing:home": row("GET", base=staff(403), other_department_reviewer=200, supervisor=200),
    "sharing:catalogue": row("GET", base=staff(403), other_department_reviewer=200, supervisor=200),
    "sharing:resource-new": row("GET", base=staff(403), other_department_reviewer=200),
    "sharing:resource": row(
        "GET", resource, base=staff(403), other_department_reviewer=200, supervisor=200
    ),
    "sharing:resource-edit": row("GET", resource, base=staff(REFUSED)),
    # Any department in the exchange may ask for a published resource.
    "sharing:request-new": row("GET", resource, base=staff(REFUSED), other_department_reviewer=200),
    "sharing:request": row("GET", access_request, base=staff(REFUSED), supervisor=200),
    "sharing:request-review": row("POST", access_request, base=staff(REFUSED)),
    "sharing:request-decide": row("POST", access_request, base=staff(REFUSED)),
    "sharing:request-withdraw": row("POST", access_request, base=staff(REFUSED)),
    "sharing:grants": row("GET", base=staff(403), other_department_reviewer=200, supervisor=200),
    "sharing:grant-revoke": row(
        "POST", lambda w: {"public_id": w.objects["grant"].public_id}, base=staff(REFUSED)
    ),
    "sharing:usage": row("GET", base=staff(403), other_department_reviewer=200, supervisor=200),
    "sharing:my-data-use": row("GET", base=signed_in()),
    "sharing:objection-new": row("GET", const(kind="read", entry_id="999999"), base=signed_in(404)),
    # --- certificates -------------------------------------------------------------------
    "certificates:wallet": row("GET", base=signed_in()),
    "certificates:detail": row("GET", certificate, base=owned()),
    "certificates:pdf": row("GET", certificate, base=owned(owner=(200, 404, 409))),
    "certificates:grant-create": row("POST", certificate, base=owned(owner=(200, 400))),
    "certificates:grant-withdraw": row(
        "POST",
        lambda w: {**certificate(w), "grant_id": w.objects["share"].public_id},
        base=owned(owner=302),
    ),
    "certificates:shared": row(
        "GET", lambda w: {"token": w.objects["share"].token}, base=everyone(OK)
    ),
    # The issuing department's pages: the list shows only what one's department issued
    # (nothing for anyone else); a certificate one does not manage is not found, for its
    # holder too (tests/certificates/test_department_access.py).
    "certificates:issued": row("GET", base=signed_in()),
    "certificates:issued-detail": row("GET", certificate, base=staff(REFUSED, citizens=404)),
    "certificates:revoke": row("POST", certificate, base=staff(REFUSED, citizens=404)),
    "certificates:replace": row("POST", certificate, base=staff(REFUSED, citizens=404)),
    "verify:home": row("GET", base=everyone(OK)),
    "verify:page": row("GET", const(code="NOSUCHCODE"), base=everyone(OK)),  # "unknown"
    # --- supervision --------------------------------------------------------------------
    "dashboards:home": row("GET", base=staff(403), supervisor=200, admin=(200, 403)),
    "dashboards:cases": row("GET", base=staff(403), supervisor=200, admin=(200, 403)),
    "dashboards:cases-export": row(
        "GET", const(fmt="csv"), base=staff(403), supervisor=200, admin=(200, 403)
    ),
    "dashboards:complaints": row("GET", base=staff(403), supervisor=200, admin=(200, 403)),
    "dashboards:complaints-export": row(
        "GET", const(fmt="csv"), base=staff(403), supervisor=200, admin=(200, 403)
    ),
    "dashboards:table-export": row(
        "GET",
        const(table="kpis", fmt="csv"),
        base=staff(403),
        supervisor=200,
        admin=(200, 403),
    ),
    "dashboards:audit": row("GET", base=staff(403), supervisor=200, admin=(200, 403)),
    "dashboards:audit-export": row(
        "GET", const(fmt="csv"), base=staff(403), supervisor=200, admin=(200, 403)
    ),
    # An export is its requester's alone: anyone else is told it does not exist.
    "dashboards:export": row("GET", const(pk=UNKNOWN), base=signed_in(404)),
    "dashboards:export-status": row("GET", const(pk=UNKNOWN), base=signed_in(404)),
    "dashboards:export-download": row("GET", const(pk=UNKNOWN), base=signed_in(404)),
    # Department staff see their department's cards and follow-ups, supervisors all.
    "supervision:cards": row("GET", base=staff(403), supervisor=200, other_department_reviewer=200),
    "supervision:rate": row("GET", case, base=owned(owner=(200, 409)), supervisor=403),
    # The clerk opens the counter's rating screen; the applicant sees the case but may not.
    "supervision:rate-counter": row("POST", case, base=staff(REFUSED, citizens=404), owner=403),
    "supervision:kiosk": row("GET", const(token="nosuchtoken"), base=everyone(404)),
    "supervision:follow-ups": row(
        "GET", base=staff(403), supervisor=200, other_department_reviewer=200
    ),
    # The case was not rated: it has no follow-up.
    "supervision:follow-up": row("GET", case, base=signed_in(404)),
    "supervision:follow-up-callback": row("POST", case, base=signed_in(404)),
    "supervision:follow-up-close": row("POST", case, base=signed_in(404)),
    "supervision:complaints": row("GET", base=signed_in()),
    "supervision:complaint-new": row("GET", base=signed_in()),
    # Hotline operators and window clerks record complaints for callers.
    "supervision:complaint-record": row(
        "GET", base=staff(403), supervisor=200, other_hall_clerk=200
    ),
    "supervision:complaint-inbox": row(
        "GET", base=staff(403), supervisor=200, other_department_reviewer=200
    ),
    "supervision:complaint": row("GET", complaint, base=owned(), supervisor=200),
    # The supervisor reads every complaint and assigns it; the department answers and
    # forwards; the complainant confirms or reopens once answered. Anyone else who sees it:
    # 403 while the state allows the action, 409 when it allows it to nobody yet.
    "supervision:complaint-answer": row("POST", complaint, base=owned(owner=403), supervisor=403),
    "supervision:complaint-forward": row("POST", complaint, base=owned(owner=403), supervisor=403),
    "supervision:complaint-assign": row(
        "POST", complaint, base=owned(owner=403), supervisor=POST_DONE
    ),
    "supervision:complaint-confirm": row(
        "POST", complaint, base=owned(owner=POST_DONE), supervisor=409
    ),
    "supervision:complaint-reopen": row(
        "POST", complaint, base=owned(owner=POST_DONE), supervisor=409
    ),
    "ratings:public": row("GET", base=everyone(OK)),
}

# Patterns whose rows are not filled in yet, each with the reason. Keep this empty when
# nothing is landing.
PENDING: dict[str, str] = {}

SKIPPED_PREFIXES = ("admin:", "api-schema", "api-docs")


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            prefix = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def url_names() -> list[str]:
    names = dict.fromkeys(_walk(get_resolver().url_patterns))
    return [
        name for name in names if name == "admin:index" or not name.startswith(SKIPPED_PREFIXES)
    ]


def test_every_url_pattern_has_a_row():
    missing = [name for name in url_names() if name not in MATRIX and name not in PENDING]
    assert not missing, f"URL patterns without a row in the access matrix: {missing}"


def test_no_row_names_a_pattern_that_is_gone():
    names = set(url_names())
    assert not [name for name in MATRIX if name not in names]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """One world for the whole matrix, rolled back at the end; every cell runs in its own
    savepoint (the `db` fixture) so an action tried by one caller leaves nothing behind."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


CELLS = [(name, role) for name in MATRIX for role in ROLES if name not in PENDING]


@pytest.mark.parametrize(("name", "role"), CELLS, ids=[f"{n}|{r}" for n, r in CELLS])
def test_access(world, db, name: str, role: str) -> None:
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(world))
    client = Client(raise_request_exception=False)
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    response = client.get(url) if entry.method == "GET" else client.post(url)
    expected = entry.expected[role]
    assert response.status_code in expected, (
        f"{entry.method} {url} as {role}: {response.status_code}, expected {sorted(expected)}"
    )
