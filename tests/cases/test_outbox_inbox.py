"""The department's inbox: what its reviewers received through the outbox (hand-offs,
consultations, services of combined applications), and nobody else's."""

import pytest
from django.db import transaction
from django.shortcuts import resolve_url

from cases import handoffs, outbox
from cases.constants import CaseState, Channel
from cases.models import Case, DepartmentNotice
from cases.outbox import OutboxKind
from identity.constants import Role
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import VersionFactory

pytestmark = pytest.mark.django_db

PAGE = "/cases/department/received/"


@pytest.fixture
def received(english):
    """A department that received two hand-offs, and its reviewer."""
    version = VersionFactory(name="建设工程规划许可")
    receiving = DepartmentFactory(name="宜昌市自然资源和规划局")
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=receiving).user
    applicant = UserFactory()
    cases = [
        Case.objects.create(
            number=f"420500-20261122-00000{index}",
            version=version,
            department=receiving,
            region=version.implementation.region,
            state=CaseState.ACCEPTED,
            channel=Channel.ONLINE,
            applicant=applicant,
            created_by=applicant,
        )
        for index in (1, 2)
    ]
    for case, reason in zip(cases, ["规划条件需核实", "用地性质不符"], strict=True):
        with transaction.atomic():
            message = handoffs.hand_off_enqueue(
                case=case,
                to_department=receiving,
                from_department=version.implementation.department,
                reason=reason,
            )
        outbox.deliver(message.pk)
    return receiving, reviewer, cases


def test_a_reviewer_sees_what_their_department_received(client, received):
    _receiving, reviewer, cases = received
    client.force_login(reviewer)

    page = client.get(PAGE)

    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(row["notice"].case, row["kind"]) for row in rows] == [
        (cases[1], OutboxKind.HAND_OFF.label),
        (cases[0], OutboxKind.HAND_OFF.label),
    ]
    html = page.content.decode()
    assert "用地性质不符" in html
    assert f'href="/cases/{cases[0].number}/"' in html


def test_marking_a_notice_read_marks_it_for_the_department_and_filters_find_the_rest(
    client, received
):
    receiving, reviewer, cases = received
    colleague = MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=receiving).user
    notice = DepartmentNotice.objects.get(case=cases[0])
    client.force_login(reviewer)

    response = client.post(f"{PAGE}{notice.pk}/read/", {"next": f"{PAGE}?unread=on"})

    assert response.status_code == 302
    assert response.url == f"{PAGE}?unread=on"
    notice.refresh_from_db()
    assert notice.read_at is not None
    client.force_login(colleague)
    unread = client.get(PAGE, {"unread": "on"}).context["rows"]
    assert [row["notice"].case for row in unread] == [cases[1]]
    consultations = client.get(PAGE, {"kind": OutboxKind.CONSULTATION}).context["rows"]
    assert consultations == []


def test_a_bad_filter_is_answered_with_400_and_the_form_error(client, received):
    _receiving, reviewer, _cases = received
    client.force_login(reviewer)

    page = client.get(PAGE, {"kind": "cases.bundle_advance"})

    assert page.status_code == 400
    assert page.context["form"].errors["kind"]


def test_another_departments_reviewer_sees_none_of_it_and_cannot_mark_it(client, received):
    _receiving, _reviewer, cases = received
    stranger = MembershipFactory(role=Role.REVIEWER).user
    notice = DepartmentNotice.objects.get(case=cases[0])
    client.force_login(stranger)

    page = client.get(PAGE)
    refused = client.post(f"{PAGE}{notice.pk}/read/")

    assert page.status_code == 200
    assert page.context["rows"] == []
    assert refused.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("who", ["citizen", "clerk", "anonymous"])
def test_people_without_a_department_to_review_for_have_no_such_page(
    client, received, who, settings
):
    _receiving, _reviewer, cases = received
    notice = DepartmentNotice.objects.get(case=cases[0])
    if who == "citizen":
        client.force_login(cases[0].applicant)
    elif who == "clerk":
        client.force_login(MembershipFactory(role=Role.CLERK).user)

    page = client.get(PAGE)
    refused = client.post(f"{PAGE}{notice.pk}/read/")

    if who == "anonymous":
        assert page.status_code == 302
        assert page.url.startswith(resolve_url(settings.LOGIN_URL))
        assert refused.status_code == 302
    else:
        assert page.status_code == 404
        assert refused.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_page_takes_the_same_queries_however_many_notices(
    client, received, django_assert_max_num_queries
):
    receiving, reviewer, cases = received
    client.force_login(reviewer)
    with django_assert_max_num_queries(20) as few:
        client.get(PAGE)
    for case in cases:
        with transaction.atomic():
            message = handoffs.hand_off_enqueue(
                case=case, to_department=receiving, from_department=receiving, reason="再次转办"
            )
        outbox.deliver(message.pk)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(PAGE)

    assert len(page.context["rows"]) == 4
