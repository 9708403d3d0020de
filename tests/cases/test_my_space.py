"""My space in the browser: my cases, the case page, withdrawal, delivery and the inbox."""

from datetime import date

import pytest
from django.utils import translation

from cases import services
from cases.constants import Action, CaseState, DeliveryMethod
from cases.delivery import case_set_delivery
from cases.errors import TransitionImpossible
from cases.models import Case, CaseEvent, Notice
from cases.views.my_space import time_left
from core.errors import NotAllowed, ValidationFailed
from identity.constants import AuditAction, Role
from identity.models import AuditEvent
from matters.calendar import WorkingCalendar
from tests.cases.conftest import pdf_file
from tests.factories import AuthorisationFactory, EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MINE = "/cases/"
INBOX = "/cases/inbox/"


def _draft(version, person, **kwargs) -> Case:
    return services.case_create(
        version=version, actor=person, form_data={"applicant_name": "张三"}, **kwargs
    )


def _submitted(version, person, **kwargs) -> Case:
    case = _draft(version, person, **kwargs)
    services.case_material_attach(
        case=case, actor=person, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    return services.case_transition(case=case, action=Action.SUBMIT, actor=person)


def _in_review(version, person, clerk, reviewer) -> Case:
    case = _submitted(version, person)
    services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    return services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)


def _numbers(response) -> list[str]:
    return [row["case"].number for row in response.context["rows"]]


# --- My cases ------------------------------------------------------------------------------


def test_my_cases_lists_only_the_persons_own_cases_newest_first(client, version, citizen):
    first = _draft(version, citizen)
    second = _submitted(version, citizen)
    _draft(version, UserFactory())
    client.force_login(citizen)

    response = client.get(MINE)

    assert response.status_code == 200
    assert _numbers(response) == [second.number, first.number]


def test_an_agents_application_is_in_my_cases_of_the_agent_and_of_the_person(
    client, version, citizen
):
    agent = UserFactory()
    AuthorisationFactory(principal=citizen, agent=agent)
    case = _draft(version, agent, on_behalf_of=citizen)

    client.force_login(agent)
    as_agent = _numbers(client.get(MINE))
    client.force_login(citizen)
    as_person = _numbers(client.get(MINE))

    assert as_agent == [case.number]
    assert as_person == [case.number]


def test_an_organisations_application_is_in_my_cases_of_its_members(client, version, citizen):
    enterprise = EnterpriseFactory()
    MembershipFactory(user=citizen, organisation=enterprise, role=Role.LEGAL_REPRESENTATIVE)
    colleague = MembershipFactory(organisation=enterprise, role=Role.HANDLER).user
    case = _draft(version, citizen, organisation=enterprise)
    client.force_login(colleague)

    assert _numbers(client.get(MINE)) == [case.number]


def test_staff_do_not_find_their_department_queue_in_my_cases(
    english, client, version, citizen, reviewer
):
    _submitted(version, citizen)
    client.force_login(reviewer)

    response = client.get(MINE)

    assert _numbers(response) == []
    assert "You have no applications yet." in response.content.decode()


def test_my_cases_show_state_time_left_and_next_step(
    english, client, version, citizen, clerk, reviewer
):
    draft = _draft(version, citizen)
    correction = _submitted(version, citizen)
    services.case_transition(
        case=correction, action=Action.REQUEST_CORRECTION, actor=clerk, comment="请补充"
    )
    running = _in_review(version, citizen, clerk, reviewer)
    client.force_login(citizen)

    response = client.get(MINE)

    rows = {row["case"].number: row for row in response.context["rows"]}
    assert rows[draft.number]["next_step"]["label"] == "Complete your application"
    assert rows[correction.number]["next_step"]["label"] == "Edit and resubmit"
    assert rows[running.number]["next_step"]["label"] == "Wait for the decision."
    assert rows[draft.number]["time_left"] == "Starts when the application is accepted"
    assert rows[running.number]["time_left"] == "5 working days left"
    html = response.content.decode()
    assert f'<a href="/cases/{draft.number}/edit/">Complete your application</a>' in html
    assert f'<a href="/cases/{correction.number}/edit/">Edit and resubmit</a>' in html
    assert '<span class="badge warning">Correction requested</span>' in html


def test_my_cases_can_be_filtered_by_state(english, client, version, citizen):
    _draft(version, citizen)
    submitted = _submitted(version, citizen)
    client.force_login(citizen)

    response = client.get(MINE, {"state": "submitted"})
    nothing = client.get(MINE, {"state": "delivered"})

    assert _numbers(response) == [submitted.number]
    assert _numbers(nothing) == []
    assert "None of your cases is in this state." in nothing.content.decode()


def test_an_unknown_state_filter_is_a_field_error(english, client, version, citizen):
    _draft(version, citizen)
    client.force_login(citizen)

    response = client.get(MINE, {"state": "lost"})

    assert response.status_code == 400
    assert response.context["form"].errors["state"] == [
        "Select a valid choice. lost is not one of the available choices."
    ]


def test_my_cases_are_paged_by_twenty(client, version, citizen):
    cases = [_draft(version, citizen) for _ in range(21)]
    client.force_login(citizen)

    first = client.get(MINE)
    second = client.get(MINE, {"page": 2})

    assert len(first.context["rows"]) == 20
    assert _numbers(second) == [cases[0].number]


@pytest.mark.parametrize("count", [1, 12])
def test_my_cases_take_the_same_queries_however_many_cases(
    client, version, citizen, clerk, count, django_assert_num_queries
):
    for number in range(count):
        case = _submitted(version, citizen)
        if number % 2:
            services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    client.force_login(citizen)
    # Session, user, memberships (roles, roles by organisation), count, calendar overrides,
    # page, unread notices, and the session saved again (savepoint, update, release).
    with django_assert_num_queries(10):
        response = client.get(MINE)

    assert len(response.context["rows"]) == count


def test_my_cases_need_signing_in(client):
    response = client.get(MINE)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/cases/"


@translation.override("en")
def test_time_left_reads_as_days_left_overdue_or_clock_stopped(version, citizen):
    calendar = WorkingCalendar()
    case = Case(version=version, state=CaseState.IN_REVIEW, deadline=date(2025, 11, 14))

    assert time_left(case, calendar=calendar, today=date(2025, 11, 12)) == "2 working days left"
    assert time_left(case, calendar=calendar, today=date(2025, 11, 13)) == "1 working day left"
    assert time_left(case, calendar=calendar, today=date(2025, 11, 14)) == "Due today"
    assert time_left(case, calendar=calendar, today=date(2025, 11, 18)) == (
        "Overdue by 2 working days"
    )
    case.state = CaseState.SUSPENDED
    assert time_left(case, calendar=calendar, today=date(2025, 11, 12)) == "Clock stopped"
    case.state = CaseState.APPROVED
    assert time_left(case, calendar=calendar, today=date(2025, 11, 12)) == "Decided"


# --- The case page -------------------------------------------------------------------------


def test_the_applicant_sees_the_case_with_its_timeline_materials_and_receipt(
    english, client, version, citizen
):
    case = _submitted(version, citizen)
    client.force_login(citizen)

    response = client.get(f"/cases/{case.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert case.number in html
    assert version.name in html
    assert case.department.name in html
    assert "张三 (4205**********1234)" in html
    assert "420502199003071234" not in html
    assert "Starts when the application is accepted" in html
    assert [step["action"] for step in response.context["timeline"]] == ["Submit"]
    assert response.context["timeline"][0]["actor"] == "张三"
    assert f'<a href="/cases/{case.number}/materials/id_card/">身份证.pdf</a>' in html
    assert f'href="/cases/{case.number}/receipt.pdf"' in html
    assert f'action="/cases/{case.number}/withdraw/"' in html
    assert (
        response.context["next_step"]["label"]
        == "Wait for the department to check your application."
    )


def test_a_draft_invites_the_applicant_to_complete_it(english, client, version, citizen):
    case = _draft(version, citizen)
    client.force_login(citizen)

    html = client.get(f"/cases/{case.number}/").content.decode()

    assert (
        f'<a class="button primary" href="/cases/{case.number}/edit/">Complete your application</a>'
        in html
    )
    assert "receipt.pdf" not in html
    assert "/withdraw/" not in html


def test_a_correction_request_shows_the_clerks_comment_and_the_way_to_resubmit(
    english, client, version, citizen, clerk
):
    case = _submitted(version, citizen)
    services.case_transition(
        case=case, action=Action.REQUEST_CORRECTION, actor=clerk, comment="身份证照片不清晰"
    )
    client.force_login(citizen)

    response = client.get(f"/cases/{case.number}/")

    html = response.content.decode()
    assert response.context["correction_comment"] == "身份证照片不清晰"
    assert "The department asks you to correct your application" in html
    assert (
        f'<a class="button primary" href="/cases/{case.number}/edit/">Edit and resubmit</a>' in html
    )


@pytest.mark.parametrize("rounds", [0, 4])
def test_the_case_page_takes_the_same_queries_however_long_the_timeline(
    client, version, citizen, clerk, reviewer, rounds, django_assert_num_queries
):
    case = _in_review(version, citizen, clerk, reviewer)
    for _ in range(rounds):
        services.case_transition(case=case, action=Action.RELEASE, actor=reviewer)
        services.case_transition(case=case, action=Action.CLAIM, actor=reviewer)
    client.force_login(citizen)

    # Session, user, memberships (for roles), case, materials, events with actors,
    # material names, calendar overrides, unread notices, the service's materials (for those
    # an e-certificate gives, 免提交, and those shared data gives), session saved (3).
    with django_assert_num_queries(14):
        response = client.get(f"/cases/{case.number}/")

    # submit, accept, route, claim; then release and claim again per round
    assert len(response.context["timeline"]) == 4 + 2 * rounds


def test_html_in_a_comment_is_shown_as_text(client, version, citizen, clerk):
    case = _submitted(version, citizen)
    services.case_transition(
        case=case,
        action=Action.REQUEST_CORRECTION,
        actor=clerk,
        comment='<script>alert("x")</script>',
    )
    client.force_login(citizen)

    html = client.get(f"/cases/{case.number}/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_a_reviewer_of_the_department_sees_the_case_and_their_steps(
    english, client, version, citizen, reviewer
):
    case = _submitted(version, citizen)
    client.force_login(reviewer)

    response = client.get(f"/cases/{case.number}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["staff_actions"] == [
        "Accept",
        "Refuse to accept",
        "Request a correction",
    ]
    assert response.context["next_step"] is None
    assert "/withdraw/" not in html


def test_the_case_is_not_found_for_anyone_else(client, version, citizen, other_reviewer):
    case = _submitted(version, citizen)
    draft = _draft(version, citizen)

    for person in (other_reviewer, UserFactory()):
        client.force_login(person)
        assert client.get(f"/cases/{case.number}/").status_code == 404
    department_reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=version.implementation.department
    ).user
    client.force_login(department_reviewer)
    assert client.get(f"/cases/{draft.number}/").status_code == 404
    assert client.get("/cases/420500-20250101-999999/").status_code == 404


def test_visitors_are_asked_to_sign_in_for_a_case_page(client, version, citizen):
    case = _submitted(version, citizen)

    response = client.get(f"/cases/{case.number}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/sign-in/?next=/cases/{case.number}/"


# --- Withdrawing ---------------------------------------------------------------------------


def test_the_applicant_withdraws_before_a_decision(
    english, client, version, citizen, clerk, reviewer
):
    case = _in_review(version, citizen, clerk, reviewer)
    client.force_login(citizen)

    response = client.post(
        f"/cases/{case.number}/withdraw/", {"confirm": "on", "reason": "不再需要"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/"
    case.refresh_from_db()
    assert case.state == CaseState.WITHDRAWN
    event = case.events.last()
    assert (event.action, event.actor, event.comment) == ("withdraw", citizen, "不再需要")
    html = client.get(response["Location"]).content.decode()
    assert "Your application has been withdrawn." in html
    assert "/withdraw/" not in html


def test_withdrawing_needs_the_confirmation(english, client, version, citizen):
    case = _submitted(version, citizen)
    client.force_login(citizen)

    response = client.post(f"/cases/{case.number}/withdraw/", {"reason": "不再需要"})

    assert response.status_code == 400
    assert response.context["withdraw_form"].errors["confirm"] == [
        "Please confirm that you want to withdraw the application."
    ]
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.events.count() == 1


def test_withdrawing_after_the_decision_is_refused(
    english, client, version, citizen, clerk, reviewer
):
    case = _in_review(version, citizen, clerk, reviewer)
    services.case_transition(case=case, action=Action.APPROVE, actor=reviewer)
    client.force_login(citizen)

    response = client.post(f"/cases/{case.number}/withdraw/", {"confirm": "on"})

    assert response.status_code == 409
    assert response.context["withdraw_form"].non_field_errors() == [
        "This case is “Approved”: “Withdraw” is not possible now."
    ]
    assert "This case is “Approved”: “Withdraw” is not possible now." in (response.content.decode())
    case.refresh_from_db()
    assert case.state == CaseState.APPROVED
    assert case.events.count() == 5  # submit, accept, route, claim, approve


def test_staff_cannot_withdraw_an_application(client, version, citizen, reviewer):
    case = _submitted(version, citizen)
    client.force_login(reviewer)

    response = client.post(f"/cases/{case.number}/withdraw/", {"confirm": "on"})

    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


def test_withdrawing_someone_elses_case_is_not_found(client, version, citizen):
    case = _submitted(version, citizen)
    client.force_login(UserFactory())

    response = client.post(f"/cases/{case.number}/withdraw/", {"confirm": "on"})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED


# --- Delivery ------------------------------------------------------------------------------


@pytest.fixture
def post_version(version):
    version.delivery_post = True
    version.delivery_electronic = True
    version.save(update_fields=["delivery_post", "delivery_electronic"])
    return version


def test_the_applicant_chooses_delivery_by_post_with_an_address(
    english, client, post_version, citizen
):
    case = _submitted(post_version, citizen)
    client.force_login(citizen)

    response = client.post(
        f"/cases/{case.number}/delivery/",
        {"method": "post", "address": " 宜昌市西陵区沿江大道 1 号 "},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.delivery_method, case.delivery_address) == ("post", "宜昌市西陵区沿江大道 1 号")
    assert (
        AuditEvent.objects.filter(action="cases.set_delivery", object_id=str(case.pk)).count() == 1
    )
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "Your choice of delivery has been saved." in html


def test_delivery_by_post_needs_an_address(english, client, post_version, citizen):
    case = _submitted(post_version, citizen)
    client.force_login(citizen)

    response = client.post(f"/cases/{case.number}/delivery/", {"method": "post", "address": " "})

    assert response.status_code == 400
    assert response.context["delivery_form"].errors["address"] == [
        "Please give the address the result should be sent to."
    ]
    case.refresh_from_db()
    assert (case.delivery_method, case.delivery_address) == ("", "")


def test_choosing_the_window_forgets_the_address(client, post_version, citizen):
    case = _submitted(post_version, citizen)
    case_set_delivery(case=case, actor=citizen, method="post", address="宜昌市")
    client.force_login(citizen)

    client.post(f"/cases/{case.number}/delivery/", {"method": "window", "address": "宜昌市"})

    case.refresh_from_db()
    assert (case.delivery_method, case.delivery_address) == ("window", "")


def test_a_way_the_service_does_not_offer_is_refused(english, client, version, citizen):
    version.delivery_post = True
    version.save(update_fields=["delivery_post"])
    case = _submitted(version, citizen)
    client.force_login(citizen)

    response = client.post(f"/cases/{case.number}/delivery/", {"method": "electronic"})

    assert response.status_code == 400
    assert response.context["delivery_form"].errors["method"] == [
        "Select a valid choice. electronic is not one of the available choices."
    ]
    with pytest.raises(ValidationFailed) as raised:
        case_set_delivery(case=case, actor=citizen, method=DeliveryMethod.ELECTRONIC)
    assert raised.value.errors == {
        "method": ["This service does not offer this way of receiving the result."]
    }
    case.refresh_from_db()
    assert case.delivery_method == ""


def test_only_the_applicant_chooses_and_only_until_delivery(post_version, citizen, clerk, reviewer):
    case = _in_review(post_version, citizen, clerk, reviewer)

    with pytest.raises(NotAllowed):
        case_set_delivery(case=case, actor=reviewer, method="window")
    for action in (Action.APPROVE, Action.ISSUE_RESULT, Action.DELIVER):
        services.case_transition(case=case, action=action, actor=reviewer)
    with pytest.raises(TransitionImpossible):
        case_set_delivery(case=case, actor=citizen, method="window")

    case.refresh_from_db()
    assert case.delivery_method == ""


def test_the_delivery_choice_is_offered_only_when_there_is_a_choice(
    client, version, post_version, citizen
):
    client.force_login(citizen)
    choice = _submitted(post_version, citizen)

    assert client.get(f"/cases/{choice.number}/").context["delivery_form"] is not None
    post_version.delivery_post = post_version.delivery_electronic = False
    post_version.save(update_fields=["delivery_post", "delivery_electronic"])
    assert client.get(f"/cases/{choice.number}/").context["delivery_form"] is None


# --- Inbox ---------------------------------------------------------------------------------


def test_the_inbox_lists_unread_notices_first_and_marks_one_read(english, client, citizen):
    old_unread = Notice.objects.create(recipient=citizen, title="old unread")
    read = Notice.objects.create(recipient=citizen, title="read")
    new_unread = Notice.objects.create(recipient=citizen, title="new unread")
    Notice.objects.filter(pk=read.pk).update(read_at="2025-01-01T00:00:00Z")
    Notice.objects.create(recipient=UserFactory(), title="someone else's")
    client.force_login(citizen)

    response = client.get(INBOX)

    assert [n.title for n in response.context["page_obj"]] == ["new unread", "old unread", "read"]
    assert "You have 2 unread notices." in response.content.decode()

    marked = client.post(f"/cases/inbox/{new_unread.pk}/read/", {"next": INBOX})

    assert marked.status_code == 302
    assert marked["Location"] == INBOX
    new_unread.refresh_from_db()
    old_unread.refresh_from_db()
    assert new_unread.read_at is not None
    assert old_unread.read_at is None


def test_nobody_marks_someone_elses_notice(client, citizen):
    notice = Notice.objects.create(recipient=UserFactory(), title="private")
    client.force_login(citizen)

    response = client.post(f"/cases/inbox/{notice.pk}/read/")

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_never_redirects_off_site(client, citizen):
    notice = Notice.objects.create(recipient=citizen, title="t")
    client.force_login(citizen)

    response = client.post(f"/cases/inbox/{notice.pk}/read/", {"next": "https://evil.example/"})

    assert response["Location"] == INBOX


def test_the_menu_shows_how_many_notices_are_unread(english, client, citizen):
    Notice.objects.create(recipient=citizen, title="one")
    Notice.objects.create(recipient=citizen, title="two")
    client.force_login(citizen)

    html = client.get("/").content.decode()

    assert (
        '<a href="/cases/inbox/">Inbox <span class="badge warning">2'
        '<span class="visually-hidden"> unread notices</span></span></a>'
    ) in html


def test_the_inbox_page_is_current_in_the_menu_not_my_cases(client, citizen):
    client.force_login(citizen)

    nav = client.get(INBOX).context["ui"]["nav"]

    assert [item.url for item in nav if item.active] == [INBOX]


def test_a_step_of_a_case_lands_in_the_inbox(
    english, client, version, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _submitted(version, citizen)
    client.force_login(citizen)

    response = client.get(INBOX)

    [notice] = response.context["page_obj"]
    assert notice.case == case
    assert f'href="/cases/{case.number}/"' in response.content.decode()
    assert CaseEvent.objects.count() == 1


def test_staff_reading_a_case_page_is_audited_and_the_applicant_is_not(
    client, version, citizen, clerk
):
    case = _submitted(version, citizen)
    supervisor = MembershipFactory(role=Role.SUPERVISOR).user

    client.force_login(citizen)
    assert client.get(f"{MINE}{case.number}/").status_code == 200
    client.force_login(supervisor)
    assert client.get(f"{MINE}{case.number}/").status_code == 200

    reads = AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ)
    assert [(e.actor, e.detail) for e in reads] == [(supervisor, {"purpose": "case_page"})]
