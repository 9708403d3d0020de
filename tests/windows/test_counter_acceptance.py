"""Acceptance at the window: 受理, 容缺受理, 不予受理, 一次性告知, 告知承诺 and 即办件 decided on
the spot, with the printed notices; every refusal leaves the case as it was."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.constants import Action, CaseState
from cases.errors import CaseIncomplete, CaseNotEditable
from cases.models import Case
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity.constants import Role
from tests.cases.conftest import pdf_file
from tests.factories import MembershipFactory, UserFactory
from tests.windows.counter_setup import immediate_service, service, submitted
from windows import counter, counter_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(hall):
    return service(hall)


@pytest.fixture
def case(version, citizen):
    return submitted(version, citizen)


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def _snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.accepted_at, case.deferred_materials, case.events.count())


def _url(name: str, case: Case) -> str:
    return reverse(f"windows:{name}", args=[case.number])


def test_the_clerk_accepts_an_online_application_and_prints_the_notice(at_window, clerk, case):
    assert list(counter_selectors.awaiting_acceptance(clerk)) == [case]
    html = at_window.get(reverse("windows:workbench")).content.decode()
    assert case.number in html

    response = at_window.post(_url("counter-accept", case), {"comment": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.deadline is not None

    notice = at_window.get(_url("counter-notice", case))
    assert notice.status_code == 200
    assert notice["Content-Type"] == "application/pdf"
    assert notice.content.startswith(b"%PDF")
    assert "acceptance-notice" in notice["Content-Disposition"]


def test_accepting_with_materials_to_follow(at_window, case, citizen, clerk):
    due = timezone.localdate() + timedelta(days=10)
    response = at_window.post(
        _url("counter-accept", case),
        {"deferred_materials": ["tax_proof"], "deferred_until": due.isoformat()},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.deferred_materials, case.deferred_until) == (
        CaseState.ACCEPTED,
        ["tax_proof"],
        due,
    )
    event = case.events.get(action=Action.ACCEPT)
    assert event.payload == {"deferred_materials": ["tax_proof"], "deferred_until": due.isoformat()}

    # Still due: listed for the hall, not yet overdue.
    today = timezone.localdate()
    assert list(counter_selectors.deferred_supplies(clerk, today=today)) == [case]
    assert not counter_selectors.deferred_supplies(clerk, today=today, overdue_only=True).exists()
    late = due + timedelta(days=1)
    assert list(counter_selectors.deferred_supplies(clerk, today=late, overdue_only=True)) == [case]

    # The applicant sees what is due and supplies it from the case page.
    at_window.force_login(citizen)
    page = at_window.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "完税证明" in page
    assert due.isoformat() in page
    response = at_window.post(
        reverse("windows:supply", args=[case.number]),
        {"material": "tax_proof", "file": pdf_file("完税证明.pdf")},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deferred_supplied_at is not None
    assert not counter_selectors.deferred_supplies(clerk, today=today).exists()


def test_only_tolerable_materials_can_follow_and_only_by_a_later_date(at_window, clerk, case):
    before = _snapshot(case)
    response = at_window.post(
        _url("counter-accept", case),
        {"deferred_materials": ["tax_proof"], "deferred_until": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    with pytest.raises(ValidationFailed):
        counter.counter_accept(
            case=case,
            clerk=clerk,
            deferred_materials=["id_card"],
            deferred_until=timezone.localdate() + timedelta(days=3),
        )
    assert _snapshot(case) == before


def test_the_list_of_materials_due_is_for_clerks_and_supervisors(
    client, at_window, clerk, other_clerk, case
):
    due = timezone.localdate() + timedelta(days=10)
    counter.counter_accept(
        case=case, clerk=clerk, deferred_materials=["tax_proof"], deferred_until=due
    )
    assert case.number in at_window.get(reverse("windows:deferred")).content.decode()
    supervisor = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(supervisor)
    assert case.number in client.get(reverse("windows:deferred")).content.decode()
    client.force_login(other_clerk)
    assert case.number not in client.get(reverse("windows:deferred")).content.decode()


def test_refusing_needs_a_reason_and_prints_the_refusal_notice(at_window, case):
    before = _snapshot(case)
    assert at_window.post(_url("counter-refuse", case), {"reason": "  "}).status_code == 400
    assert _snapshot(case) == before

    response = at_window.post(_url("counter-refuse", case), {"reason": "不属于本机关职权范围。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REFUSED
    notice = at_window.get(_url("counter-notice", case))
    assert notice.status_code == 200
    assert "refusal-notice" in notice["Content-Disposition"]


def test_a_case_not_yet_decided_has_no_notice(at_window, case):
    assert at_window.get(_url("counter-notice", case)).status_code == 404


def test_a_correction_request_lists_everything_at_once(at_window, case):
    response = at_window.post(
        _url("counter-correction", case),
        {"items": ["materials.id_card", "form.applicant_name"], "note": "请携带原件。"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION_REQUESTED
    event = case.events.get(action=Action.REQUEST_CORRECTION)
    assert event.comment.splitlines()[1:] == ["1. 申请人姓名", "2. 身份证", "请携带原件。"]
    assert event.payload == {"items": ["form.applicant_name", "materials.id_card"]}


def test_an_empty_correction_request_is_refused(at_window, case):
    before = _snapshot(case)
    assert at_window.post(_url("counter-correction", case), {"note": ""}).status_code == 400
    assert _snapshot(case) == before


# --- 告知承诺 ------------------------------------------------------------------------------


def test_a_signed_commitment_stands_in_for_a_material(hall, clerk, citizen):
    version = service(hall, notification_commitment=True)
    case = counter.counter_intake(clerk=clerk, person=citizen, version=version, basis="in_person")
    case_services.case_update_form(case=case, actor=clerk, form_data={"applicant_name": "张三"})
    with pytest.raises(CaseIncomplete):
        case_services.case_transition(case=case, action=Action.SUBMIT, actor=clerk)
    with pytest.raises(ValidationFailed):
        case_services.case_record_commitment(
            case=case, actor=clerk, material_keys=["id_card"], signed=False
        )
    case_services.case_record_commitment(
        case=case, actor=clerk, material_keys=["id_card"], signed=True
    )
    case = case_services.case_transition(case=case, action=Action.SUBMIT, actor=clerk)
    assert case.state == CaseState.SUBMITTED
    assert case.commitment_materials == ["id_card"]
    assert case.commitment_signed_at is not None
    with pytest.raises(CaseNotEditable):
        case_services.case_record_commitment(case=case, actor=clerk, material_keys=[], signed=False)


def test_no_commitment_for_a_service_without_the_procedure(
    at_window, hall, clerk, citizen, version
):
    case = counter.counter_intake(clerk=clerk, person=citizen, version=version, basis="in_person")
    response = at_window.post(
        _url("counter-commitment", case), {"materials": ["id_card"], "signed": "on"}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert (case.commitment_materials, case.commitment_signed_at) == ([], None)


# --- 即办件 ------------------------------------------------------------------------------


def _may_decide(clerk) -> None:
    clerk.user_permissions.add(Permission.objects.get(codename="approve_immediate_case"))


def test_an_authorised_clerk_decides_an_immediate_matter_on_the_spot(
    at_window, hall, clerk, citizen
):
    _may_decide(clerk)
    case = submitted(immediate_service(hall), citizen)
    response = at_window.post(_url("counter-decide", case), {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.RESULT_ISSUED
    assert [e.action for e in case.events.all() if e.from_state != e.to_state] == [
        "submit",
        "accept",
        "claim",
        "approve",
        "issue_result",
    ]
    assert case.claimed_by == clerk
    assert len(case.pickup_code) == 8
    assert case.pickup_code.isdigit()


def test_a_clerk_without_the_permission_cannot_decide_and_nothing_changes(at_window, hall, citizen):
    case = submitted(immediate_service(hall), citizen)
    before = _snapshot(case)
    response = at_window.post(_url("counter-decide", case), {"decision": "approve"})
    assert response.status_code == 403
    assert _snapshot(case) == before  # not even accepted


def test_a_matter_that_is_not_immediate_is_not_decided_at_the_window(at_window, clerk, case):
    _may_decide(clerk)
    before = _snapshot(case)
    with pytest.raises(NotAllowed):
        counter.counter_decide_immediately(case=case, clerk=clerk, approve=True)
    assert _snapshot(case) == before


def test_a_denial_on_the_spot_needs_its_reason(at_window, hall, clerk, citizen):
    _may_decide(clerk)
    case = submitted(immediate_service(hall), citizen)
    before = _snapshot(case)
    assert at_window.post(_url("counter-decide", case), {"decision": "deny"}).status_code == 400
    assert _snapshot(case) == before


# --- Refused side ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("counter-accept", {}),
        ("counter-refuse", {"reason": "理由"}),
        ("counter-correction", {"note": "补正"}),
        ("counter-decide", {"decision": "approve"}),
    ],
)
def test_another_halls_clerk_gets_404_and_nothing_changes(client, other_clerk, case, name, data):
    client.force_login(other_clerk)
    before = _snapshot(case)
    assert client.get(_url("counter-case", case)).status_code == 404
    assert client.post(_url(name, case), data).status_code == 404
    assert _snapshot(case) == before
    with pytest.raises(NotFound):
        counter.counter_accept(case=case, clerk=other_clerk)


@pytest.mark.parametrize("name", ["counter-case", "counter-notice"])
def test_a_citizen_cannot_open_the_counter_page_of_their_own_case(client, citizen, case, name):
    client.force_login(citizen)
    assert client.get(_url(name, case)).status_code == 403


def test_a_citizen_cannot_accept_their_own_case(client, citizen, case):
    client.force_login(citizen)
    before = _snapshot(case)
    assert client.post(_url("counter-accept", case), {}).status_code == 403
    assert _snapshot(case) == before
    with pytest.raises(NotAllowed):
        counter.counter_accept(case=case, clerk=citizen)
    assert _snapshot(case) == before


def test_a_deferred_material_cannot_be_supplied_by_a_stranger(client, case, clerk):
    counter.counter_accept(
        case=case,
        clerk=clerk,
        deferred_materials=["tax_proof"],
        deferred_until=timezone.localdate() + timedelta(days=5),
    )
    before = _snapshot(case)
    client.force_login(UserFactory())
    response = client.post(
        reverse("windows:supply", args=[case.number]),
        {"material": "tax_proof", "file": pdf_file()},
    )
    assert response.status_code == 404
    assert not case.materials.filter(material_key="tax_proof").exists()
    assert _snapshot(case) == before


def test_the_case_page_timeline_names_each_step_and_who_took_it(at_window, clerk, case):
    at_window.post(_url("counter-accept", case), {"comment": ""})

    page = at_window.get(_url("counter-case", case))

    steps = [step["action"] for step in page.context["timeline"]]
    assert [str(action) for action in steps[:2]] == [Action.SUBMIT.label, Action.ACCEPT.label]
    html = page.content.decode()
    assert str(Action.ACCEPT.label) in html
    assert clerk.name in html
