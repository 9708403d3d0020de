"""Department systems through `Authorization: Api-Key <key>`: the key's department queue and
the same transitions as its reviewers, and every refusal from the refused side."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.constants import CaseState
from cases.models import Case, RoutingRule
from identity import services as identity_services
from identity.constants import Role
from identity.models import ApiKey, Membership
from tests.cases.reviewing import accepted_case, other_department
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/queue/"


@pytest.fixture
def key(version, reviewer) -> str:
    _api_key, secret = identity_services.api_key_create(
        name="市场监管审批系统",
        department=version.implementation.department,
        owner=reviewer,
        created_by=None,
    )
    return secret


def _with(api_client, secret: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return api_client


def test_a_department_system_pulls_its_queue_then_claims_and_approves(
    api_client, version, citizen, clerk, reviewer, key
):
    case = accepted_case(version, citizen, clerk)
    system = _with(api_client, key)

    queue = system.get(QUEUE)
    claimed = system.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "claim"})
    approved = system.post(
        f"/api/v1/cases/{case.number}/transitions/", {"action": "approve", "comment": "同意"}
    )

    assert queue.status_code == 200
    assert [row["number"] for row in queue.json()["results"]] == [case.number]
    assert (claimed.status_code, approved.status_code) == (200, 200)
    case.refresh_from_db()
    # The system gets the decision number it prints on its own copy, as the page shows it.
    assert approved.json()["decision_number"] == case.decision_number != ""
    assert case.state == CaseState.APPROVED
    assert case.claimed_by == reviewer
    assert case.events.get(action="approve").actor == reviewer


@pytest.mark.parametrize(
    "header",
    ["Api-Key nope", "Api-Key", "Api-Key a b", "api-key " + "x" * 300],
)
def test_an_unknown_or_malformed_key_is_a_401(api_client, version, citizen, clerk, header):
    accepted_case(version, citizen, clerk)
    api_client.credentials(HTTP_AUTHORIZATION=header)

    response = api_client.get(QUEUE)

    assert response.status_code == 401
    assert response.json()["errors"] == {}


def test_a_revoked_key_is_a_401_at_once(api_client, version, citizen, clerk, reviewer, key):
    case = accepted_case(version, citizen, clerk)
    identity_services.api_key_revoke(api_key=ApiKey.objects.get(), revoked_by=None)
    system = _with(api_client, key)

    queue = system.get(QUEUE)
    claim = system.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "claim"})

    assert (queue.status_code, claim.status_code) == (401, 401)
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_another_departments_case_does_not_exist_for_the_key(
    api_client, version, citizen, clerk, reviewer, key
):
    department, _other_reviewer = other_department(version)
    # The key's official also reviews for the other department: the key still does not.
    Membership.objects.create(user=reviewer, organisation=department, role=Role.REVIEWER)
    case = accepted_case(version, citizen, clerk)
    Case.objects.filter(pk=case.pk).update(department=department)
    system = _with(api_client, key)

    detail = system.get(f"/api/v1/cases/{case.number}/")
    claim = system.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "claim"})
    other_queue = system.get(QUEUE, {"department": department.credit_code})
    listed = system.get("/api/v1/cases/")

    assert (detail.status_code, claim.status_code, other_queue.status_code) == (404, 404, 403)
    assert listed.json()["count"] == 0
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_the_key_does_not_see_its_officials_own_applications(
    api_client, version, citizen, clerk, reviewer, key
):
    own = accepted_case(version, reviewer, clerk)
    Case.objects.filter(pk=own.pk).update(department=other_department(version)[0])

    response = _with(api_client, key).get(f"/api/v1/cases/{own.number}/")

    assert response.status_code == 404


def test_a_key_whose_official_no_longer_reviews_is_a_403(
    api_client, version, citizen, clerk, reviewer, key
):
    case = accepted_case(version, citizen, clerk)
    Membership.objects.filter(user=reviewer).update(is_active=False)
    system = _with(api_client, key)

    queue = system.get(QUEUE)
    claim = system.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "claim"})

    assert (queue.status_code, claim.status_code) == (403, 403)
    assert Case.objects.get(pk=case.pk).state == CaseState.ACCEPTED


def test_a_key_does_not_apply_for_services(api_client, version, key):
    response = _with(api_client, key).post(
        "/api/v1/cases/", {"matter": version.implementation.code, "form": {}}, format="json"
    )

    assert response.status_code == 403
    assert not Case.objects.exists()


def test_last_use_is_written_at_most_once_a_minute(api_client, version, key):
    system = _with(api_client, key)
    system.get(QUEUE)
    first = ApiKey.objects.get().last_used_at
    system.get(QUEUE)
    unchanged = ApiKey.objects.get().last_used_at
    ApiKey.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    system.get(QUEUE)

    assert first is not None
    assert unchanged == first
    assert ApiKey.objects.get().last_used_at > first


def test_keys_are_throttled_per_key(api_client, version, key, monkeypatch):
    from identity.authentication import ApiKeyRateThrottle

    rates = {**ApiKeyRateThrottle.THROTTLE_RATES, "api_key": "2/min"}
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", rates)
    system = _with(api_client, key)
    statuses = [system.get(QUEUE).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_person_signed_in_otherwise_is_not_throttled_as_a_key(api_client, version, reviewer):
    MembershipFactory(role=Role.REVIEWER, organisation=version.implementation.department)
    api_client.force_authenticate(reviewer)

    statuses = {api_client.get(QUEUE).status_code for _ in range(5)}

    assert statuses == {200}


def test_a_department_system_reads_what_its_department_received(
    api_client, version, citizen, clerk, reviewer, key, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case(version, citizen, clerk)
    other, _other_reviewer = other_department(version)
    RoutingRule.objects.create(implementation=version.implementation, department=other)
    with django_capture_on_commit_callbacks(execute=True):
        accepted_case(version, citizen, clerk)  # routed to the other department

    system = _with(api_client, key)
    received = system.get(f"{QUEUE}notices/?unread=true")

    assert received.status_code == 200
    assert [(n["case"], n["kind"]) for n in received.json()["results"]] == [
        (case.number, "cases.routed")
    ]


def test_only_reviewers_read_department_notices(api_client, citizen):
    api_client.force_authenticate(citizen)

    assert api_client.get(f"{QUEUE}notices/").status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get(f"{QUEUE}notices/").status_code in (401, 403)
