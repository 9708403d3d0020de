"""Routing on acceptance (后台分类审批): rules in data, most specific first, written in the
timeline (SPEC.md §5)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from cases import outbox, routing, services
from cases.constants import Action, CaseState
from cases.models import Case, DepartmentNotice, Notice, OutboxMessage, RoutingRule
from cases.outbox import OutboxKind
from tests.cases.reviewing import accepted_case, fresh, other_department, submitted_case
from tests.factories import DepartmentFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_without_a_rule_a_case_goes_to_its_services_department(version, citizen, clerk):
    case = accepted_case(version, citizen, clerk)

    assert case.department == version.implementation.department
    events = list(case.events.values_list("action", "from_state", "to_state", "payload"))
    assert events[-2:] == [
        ("accept", "submitted", "accepted", {}),
        (
            "route",
            "accepted",
            "accepted",
            {
                "department": version.implementation.department.credit_code,
                "department_name": version.implementation.department.name,
            },
        ),
    ]


def test_a_default_rule_sends_every_case_of_the_service_elsewhere(version, citizen, clerk):
    department, _reviewer = other_department(version)
    RoutingRule.objects.create(implementation=version.implementation, department=department)

    case = accepted_case(version, citizen, clerk)

    assert case.department == department
    assert Case.objects.get(pk=case.pk).department_id == department.pk
    assert case.events.last().payload["department"] == department.credit_code


def test_a_rule_for_the_cases_region_wins_over_the_default_rule(version, citizen, clerk):
    default, _reviewer = other_department(version)
    regional, _other = other_department(version)
    elsewhere = RegionFactory(code="420502000000", name="西陵区")
    RoutingRule.objects.create(implementation=version.implementation, department=default)
    RoutingRule.objects.create(
        implementation=version.implementation, region=version.implementation.region,
        department=regional,
    )  # fmt: skip
    RoutingRule.objects.create(
        implementation=version.implementation,
        region=elsewhere,
        department=DepartmentFactory(region=elsewhere),
    )

    case = accepted_case(version, citizen, clerk)

    assert case.department == regional


def test_a_rule_for_another_region_does_not_apply(version, citizen, clerk):
    elsewhere = RegionFactory(code="420502000000", name="西陵区")
    RoutingRule.objects.create(
        implementation=version.implementation,
        region=elsewhere,
        department=DepartmentFactory(region=elsewhere),
    )

    case = submitted_case(version, citizen)

    assert routing.department_for(case) == version.implementation.department


def test_the_routed_department_reviews_and_the_services_own_department_no_longer_sees_it(
    api_client, version, citizen, clerk, reviewer
):
    department, routed_reviewer = other_department(version)
    RoutingRule.objects.create(implementation=version.implementation, department=department)
    case = accepted_case(version, citizen, clerk)

    api_client.force_authenticate(fresh(routed_reviewer))
    claimed = api_client.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "claim"})
    api_client.force_authenticate(fresh(reviewer))
    hidden = api_client.get(f"/api/v1/cases/{case.number}/")

    assert claimed.status_code == 200
    assert claimed.json()["state"] == CaseState.IN_REVIEW
    assert hidden.status_code == 404


def test_the_timeline_shows_the_routing_to_the_applicant(client, english, version, citizen, clerk):
    case = accepted_case(version, citizen, clerk)
    client.force_login(citizen)

    page = client.get(f"/cases/{case.number}/")

    assert page.status_code == 200
    assert "Routed to the department" in page.content.decode()
    assert f"Department: {version.implementation.department.name}" in page.content.decode()


def test_a_catalogue_admin_with_the_permission_adds_a_rule_in_the_admin(client, version):
    admin = UserFactory(is_staff=True)
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="cases", codename__endswith="rule")
    )
    department, _reviewer = other_department(version)
    client.force_login(admin)

    response = client.post(
        "/admin/cases/routingrule/add/",
        {"implementation": version.implementation.pk, "department": department.pk, "region": ""},
    )

    assert response.status_code == 302
    assert RoutingRule.objects.get().department == department


def test_staff_without_the_permission_cannot_change_rules(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get("/admin/cases/routingrule/").status_code == 403
    assert not RoutingRule.objects.exists()


def test_the_routed_department_is_told_through_the_outbox_and_its_reviewers_inbox(
    version, citizen, clerk, django_capture_on_commit_callbacks
):
    department, receiver = other_department(version)
    RoutingRule.objects.create(implementation=version.implementation, department=department)

    with django_capture_on_commit_callbacks(execute=True):
        case = accepted_case(version, citizen, clerk)

    message = OutboxMessage.objects.get(kind=OutboxKind.ROUTED)
    assert message.delivered_at is not None
    notice = DepartmentNotice.objects.get()
    assert (notice.department, notice.case, notice.message) == (department, case, message)
    assert Notice.objects.filter(recipient=receiver, case=case, event=None).count() == 1
    # A second delivery of the same message adds nothing.
    assert outbox.deliver(message.pk) is False
    assert DepartmentNotice.objects.count() == 1


def test_a_routing_rolled_back_with_its_acceptance_tells_nobody(version, citizen, clerk):
    case = submitted_case(version, citizen)

    def accept_then_fail() -> None:
        with transaction.atomic():
            services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
            raise RuntimeError("the acceptance failed after routing")

    with pytest.raises(RuntimeError):
        accept_then_fail()

    assert not OutboxMessage.objects.exists()
    assert Case.objects.get(pk=case.pk).state == CaseState.SUBMITTED
