"""并联审批 (SPEC.md §5, issue 6 item 4): a combined application's services go to their
departments in parallel or in order, the parent shows their progress and any denial, is
complete when all are, and is delivered with them."""

import threading
from dataclasses import dataclass

import pytest
from django.db import connection

from cases import bundles, outbox, services
from cases.constants import Action, CaseState, DeliveryMethod
from cases.delivery import case_set_delivery
from cases.errors import TransitionImpossible
from cases.models import Case, CaseEvent, DepartmentNotice, Notice, OutboxMessage
from cases.outbox import OutboxKind
from core.errors import NotAllowed
from identity.constants import RegionLevel, Role, Sector
from matters.constants import BundleMode
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

S = CaseState
# Each service's name and its department's line of government.
SERVICES = (
    ("企业设立登记", Sector.MARKET_REGULATION),
    ("公章刻制备案", Sector.PUBLIC_SECURITY),
    ("员工参保登记", Sector.HUMAN_RESOURCES),
)


@dataclass
class Event:
    """开办企业一件事: three services of three departments of one city."""

    bundle: object
    citizen: object
    clerk: object
    reviewers: list


def _event(mode: str = BundleMode.PARALLEL) -> Event:
    region = RegionFactory()
    bundle = BundleFactory(code=f"start-business-{mode}", name="开办企业一件事", mode=mode)
    reviewers = []
    for order, (name, sector) in enumerate(SERVICES):
        version = VersionFactory(
            name=name,
            implementation__region=region,
            implementation__matter__sector=sector,
            delivery_window=True,
            delivery_post=True,
        )
        FormFieldFactory(version=version, key="applicant_name", label="申请人姓名")
        BundleItemFactory(bundle=bundle, implementation=version.implementation, order=order)
        department = version.implementation.department
        reviewers.append(MembershipFactory(role=Role.REVIEWER, organisation=department).user)
    clerk = MembershipFactory(role=Role.CLERK, organisation=DepartmentFactory(region=region)).user
    citizen = UserFactory(id_number="420502199003071234", name="张三", language="en")
    return Event(bundle=bundle, citizen=citizen, clerk=clerk, reviewers=reviewers)


@pytest.fixture
def parallel() -> Event:
    return _event()


@pytest.fixture
def in_order() -> Event:
    return _event(BundleMode.SEQUENTIAL)


def _submitted(event: Event) -> Case:
    parent = bundles.bundle_case_create(
        bundle_code=event.bundle.code, actor=event.citizen, form_data={"applicant_name": "张三"}
    )
    return bundles.bundle_case_submit(case=parent, actor=event.citizen)


def _accepted(event: Event, callbacks) -> Case:
    parent = _submitted(event)
    with callbacks(execute=True):
        services.case_transition(case=parent, action=Action.ACCEPT, actor=event.clerk)
    parent.refresh_from_db()
    return parent


def _children(parent: Case) -> list[Case]:
    return list(Case.objects.filter(parent=parent).order_by("pk"))


def _decide(event: Event, child: Case, action: str, callbacks, *, issue: bool = False) -> None:
    reviewer = event.reviewers[_children(child.parent).index(child)]
    comment = "不符合条件" if action == Action.DENY else ""
    with callbacks(execute=True):
        services.case_transition(case=child, action=Action.CLAIM, actor=reviewer)
        services.case_transition(case=child, action=action, actor=reviewer, comment=comment)
        if issue:
            services.case_transition(case=child, action=Action.ISSUE_RESULT, actor=reviewer)


def _states(parent: Case) -> list[str]:
    return [child.state for child in _children(parent)]


# --- In parallel -------------------------------------------------------------------------


def test_accepting_a_bundle_routes_every_service_to_its_department_at_once(
    parallel, django_capture_on_commit_callbacks
):
    parent = _accepted(parallel, django_capture_on_commit_callbacks)

    children = _children(parent)
    assert parent.state == S.ACCEPTED
    assert _states(parent) == [S.ACCEPTED] * 3
    departments = [reviewer.memberships.get().organisation for reviewer in parallel.reviewers]
    assert [child.department for child in children] == departments
    assert all(child.deadline is not None for child in children)
    for child in children:
        accept = child.events.get(action=Action.ACCEPT)
        assert (accept.actor, accept.payload) == (parallel.clerk, {"bundle": parent.number})
    # One message per service, each delivered once, each leaving one notice for its department.
    messages = OutboxMessage.objects.filter(kind=OutboxKind.ROUTE_CHILD)
    assert sorted(m.payload["case"] for m in messages) == [child.pk for child in children]
    assert all(m.attempts == 1 and m.delivered_at is not None for m in messages)
    notices = DepartmentNotice.objects.filter(kind=OutboxKind.ROUTE_CHILD).order_by("case_id")
    assert [(n.case, n.department) for n in notices] == list(
        zip(children, departments, strict=True)
    )
    assert all(n.text == f"开办企业一件事 · {parent.number}" for n in notices)
    for reviewer, child in zip(parallel.reviewers, children, strict=True):
        assert Notice.objects.filter(recipient=reviewer, case=child).count() == 1


def test_a_service_routed_twice_is_accepted_and_announced_once(
    parallel, django_capture_on_commit_callbacks
):
    parent = _submitted(parallel)
    with django_capture_on_commit_callbacks(execute=False):
        services.case_transition(case=parent, action=Action.ACCEPT, actor=parallel.clerk)
    messages = list(OutboxMessage.objects.filter(kind=OutboxKind.ROUTE_CHILD))

    for message in messages * 2:
        outbox.deliver(message.pk)

    assert _states(parent) == [S.ACCEPTED] * 3
    assert CaseEvent.objects.filter(case__parent=parent, action=Action.ACCEPT).count() == 3
    assert DepartmentNotice.objects.count() == 3


def test_a_service_the_accepting_clerk_may_no_longer_act_on_fails_visibly_for_the_admin(
    parallel, django_capture_on_commit_callbacks
):
    from cases.tasks import deliver_outbox_message

    parent = _submitted(parallel)
    with django_capture_on_commit_callbacks(execute=False):
        services.case_transition(case=parent, action=Action.ACCEPT, actor=parallel.clerk)
    parallel.clerk.memberships.update(is_active=False)  # left the hall meanwhile
    messages = list(OutboxMessage.objects.filter(kind=OutboxKind.ROUTE_CHILD))

    for message in messages:
        deliver_outbox_message.delay(message_id=str(message.pk))

    assert _states(parent) == [S.SUBMITTED] * 3
    assert not DepartmentNotice.objects.exists()
    for message in messages:
        message.refresh_from_db()
        assert message.failed_at is not None
        assert message.attempts == outbox.MAX_ATTEMPTS
        assert message.last_error.startswith("NotFound")


def test_a_denial_is_told_to_the_applicant_and_shown_on_the_parent_page(
    parallel, client, django_capture_on_commit_callbacks
):
    parent = _accepted(parallel, django_capture_on_commit_callbacks)
    children = _children(parent)

    _decide(parallel, children[1], Action.DENY, django_capture_on_commit_callbacks)

    notice = Notice.objects.get(recipient=parallel.citizen, case=parent, event=None)
    assert notice.title == f"A service of your combined application {parent.number} was denied"
    assert notice.body == f"公章刻制备案 (case {children[1].number}) was denied. Reason: 不符合条件"
    client.force_login(parallel.citizen)
    client.cookies["django_language"] = "en"
    page = client.get(f"/cases/{parent.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"公章刻制备案 (case {children[1].number}) was denied." in html
    assert "Reason: 不符合条件" in html
    rows = page.context["children"]
    assert [row["case"].state for row in rows] == [S.ACCEPTED, S.DENIED, S.ACCEPTED]
    assert [row["denial_reason"] for row in rows] == ["", "不符合条件", ""]
    assert "5 working days left" in rows[0]["time_left"]
    for child in children:
        assert child.department.name in html


def test_the_parent_is_complete_when_every_service_has_its_result(
    parallel, django_capture_on_commit_callbacks
):
    parent = _accepted(parallel, django_capture_on_commit_callbacks)
    first, second, third = _children(parent)
    _decide(parallel, first, Action.APPROVE, django_capture_on_commit_callbacks, issue=True)
    _decide(parallel, second, Action.DENY, django_capture_on_commit_callbacks, issue=True)
    # Decided but its result not issued yet: the parent waits.
    _decide(parallel, third, Action.APPROVE, django_capture_on_commit_callbacks)
    parent.refresh_from_db()
    assert parent.state == S.ACCEPTED

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=third, action=Action.ISSUE_RESULT, actor=parallel.reviewers[2]
        )

    parent.refresh_from_db()
    assert parent.state == S.RESULT_ISSUED
    assert parent.decided_at is not None
    completion = parent.events.get(action=Action.ISSUE_RESULT)
    assert (completion.actor, completion.from_state, completion.to_state) == (
        None,
        S.ACCEPTED,
        S.RESULT_ISSUED,
    )


def test_delivering_the_parent_delivers_every_result_the_way_the_applicant_chose(
    parallel, django_capture_on_commit_callbacks
):
    parent = _accepted(parallel, django_capture_on_commit_callbacks)
    case_set_delivery(
        case=parent, actor=parallel.citizen, method=DeliveryMethod.POST, address="西陵区1号"
    )
    children = _children(parent)
    for child in children:
        _decide(parallel, child, Action.APPROVE, django_capture_on_commit_callbacks, issue=True)

    # Not one by one: the results go out together.
    with pytest.raises(TransitionImpossible):
        services.case_transition(case=children[0], action=Action.DELIVER, actor=parallel.clerk)
    assert _states(parent) == [S.RESULT_ISSUED] * 3

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=parent,
            action=Action.DELIVER,
            actor=parallel.clerk,
            payload={"express_carrier": "EMS", "express_tracking": "1234567890"},
        )

    parent.refresh_from_db()
    assert parent.state == S.DELIVERED
    for child in _children(parent):
        assert (child.state, child.delivery_method, child.delivery_address) == (
            S.DELIVERED,
            DeliveryMethod.POST,
            "西陵区1号",
        )
        assert (child.express_carrier, child.express_tracking) == ("EMS", "1234567890")
        assert child.delivered_at is not None


@pytest.mark.parametrize("action", [Action.CLAIM, Action.REQUEST_CORRECTION])
def test_the_parent_itself_is_not_reviewed(parallel, action, django_capture_on_commit_callbacks):
    parent = _submitted(parallel)
    if action == Action.CLAIM:
        parent = _accepted_from(parent, parallel, django_capture_on_commit_callbacks)
    lead_reviewer = parallel.reviewers[0]
    actor = lead_reviewer if action == Action.CLAIM else parallel.clerk
    before = (parent.state, parent.events.count())

    with pytest.raises(TransitionImpossible):
        services.case_transition(case=parent, action=action, actor=actor, comment="请补正")

    parent.refresh_from_db()
    assert (parent.state, parent.events.count()) == before


def test_the_parents_review_page_offers_no_step_and_shows_every_service(
    client, parallel, django_capture_on_commit_callbacks
):
    """The lead department's reviewer sees the combined application and the progress of
    the services theirs to see, with no button that could only fail (claiming the parent
    is refused)."""
    parent = _accepted(parallel, django_capture_on_commit_callbacks)
    client.force_login(parallel.reviewers[0])

    response = client.get(f"/cases/{parent.number}/review/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "review/act/" not in html
    assert 'name="claim-action"' not in html
    own, *others = _children(parent)
    assert own.number in html  # its own department's service; the others are not its to see
    assert all(other.number not in html for other in others)
    assert (
        client.post(f"/cases/{parent.number}/review/act/", {"claim-action": "claim"}).status_code
        == 409
    )
    parent.refresh_from_db()
    assert (parent.state, parent.claimed_by) == (S.ACCEPTED, None)


def test_the_parent_sits_in_no_queue_only_its_services_do(
    api_client, parallel, django_capture_on_commit_callbacks
):
    parent = _accepted(parallel, django_capture_on_commit_callbacks)
    lead = parallel.reviewers[0]
    api_client.force_authenticate(lead)

    numbers = [row["number"] for row in api_client.get("/api/v1/queue/").json()["results"]]

    assert numbers == [_children(parent)[0].number]


def _accepted_from(parent: Case, event: Event, callbacks) -> Case:
    with callbacks(execute=True):
        services.case_transition(case=parent, action=Action.ACCEPT, actor=event.clerk)
    parent.refresh_from_db()
    return parent


def test_refusing_the_parent_refuses_every_service(parallel, django_capture_on_commit_callbacks):
    parent = _submitted(parallel)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=parent, action=Action.REFUSE, actor=parallel.clerk, comment="不属于受理范围"
        )

    assert _states(parent) == [S.REFUSED] * 3
    assert all(
        child.events.get(action=Action.REFUSE).comment == "不属于受理范围"
        for child in _children(parent)
    )
    assert not OutboxMessage.objects.filter(kind=OutboxKind.ROUTE_CHILD).exists()


def test_withdrawing_the_parent_withdraws_the_services_still_open(
    parallel, django_capture_on_commit_callbacks
):
    parent = _accepted(parallel, django_capture_on_commit_callbacks)
    first = _children(parent)[0]
    _decide(parallel, first, Action.APPROVE, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=parent, action=Action.WITHDRAW, actor=parallel.citizen)

    parent.refresh_from_db()
    assert parent.state == S.WITHDRAWN
    # The decided one stands; it can now be delivered on its own.
    assert _states(parent) == [S.APPROVED, S.WITHDRAWN, S.WITHDRAWN]


def test_a_clerk_not_serving_every_service_cannot_refuse_the_whole_application(
    parallel, django_capture_on_commit_callbacks
):
    parent = _submitted(parallel)
    other_child = _children(parent)[2]
    elsewhere = RegionFactory(code="420503000000", name="伍家岗区", level=RegionLevel.COUNTY)
    Case.objects.filter(pk=other_child.pk).update(region=elsewhere)

    with pytest.raises(NotAllowed):
        services.case_transition(
            case=parent, action=Action.REFUSE, actor=parallel.clerk, comment="不属于受理范围"
        )

    parent.refresh_from_db()
    assert parent.state == S.SUBMITTED
    assert _states(parent) == [S.SUBMITTED] * 3


# --- In order ----------------------------------------------------------------------------


def test_an_ordered_bundle_starts_each_service_when_the_previous_one_is_approved(
    in_order, client, django_capture_on_commit_callbacks
):
    parent = _accepted(in_order, django_capture_on_commit_callbacks)
    first, second, _third = _children(parent)
    assert _states(parent) == [S.ACCEPTED, S.SUBMITTED, S.SUBMITTED]
    client.force_login(in_order.citizen)
    rows = client.get(f"/cases/{parent.number}/").context["children"]
    assert [row["waiting"] for row in rows] == [False, True, True]

    _decide(in_order, first, Action.APPROVE, django_capture_on_commit_callbacks)
    assert _states(parent) == [S.APPROVED, S.ACCEPTED, S.SUBMITTED]

    _decide(in_order, second, Action.APPROVE, django_capture_on_commit_callbacks, issue=True)
    assert _states(parent) == [S.APPROVED, S.RESULT_ISSUED, S.ACCEPTED]
    assert DepartmentNotice.objects.filter(kind=OutboxKind.ROUTE_CHILD).count() == 3


def test_a_service_of_an_ordered_bundle_cannot_start_out_of_turn(
    in_order, django_capture_on_commit_callbacks
):
    parent = _accepted(in_order, django_capture_on_commit_callbacks)
    second = _children(parent)[1]

    with pytest.raises(TransitionImpossible):
        services.case_transition(case=second, action=Action.ACCEPT, actor=in_order.clerk)

    second.refresh_from_db()
    assert second.state == S.SUBMITTED
    assert not second.events.filter(action=Action.ACCEPT).exists()


def test_a_denial_in_an_ordered_bundle_closes_the_services_not_started(
    in_order, django_capture_on_commit_callbacks
):
    parent = _accepted(in_order, django_capture_on_commit_callbacks)
    first, second, third = _children(parent)
    _decide(in_order, first, Action.APPROVE, django_capture_on_commit_callbacks, issue=True)

    _decide(in_order, second, Action.DENY, django_capture_on_commit_callbacks)

    third.refresh_from_db()
    assert third.state == S.REFUSED
    closing = third.events.get(action=Action.REFUSE)
    assert closing.actor is None
    assert closing.comment == ("未开始办理：本一件事申请中前面的事项未获准予许可。")
    parent.refresh_from_db()
    assert parent.state == S.ACCEPTED  # the denial letter is still to be issued
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(
            case=second, action=Action.ISSUE_RESULT, actor=in_order.reviewers[1]
        )
    parent.refresh_from_db()
    assert parent.state == S.RESULT_ISSUED


# --- Two services finishing at once --------------------------------------------------------


@pytest.mark.postgres(reason="real concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_services_finishing_at_once_complete_the_parent_exactly_once(parallel):
    parent = _submitted(parallel)
    services.case_transition(case=parent, action=Action.ACCEPT, actor=parallel.clerk)
    children = _children(parent)
    for child, reviewer in zip(children, parallel.reviewers, strict=True):
        services.case_transition(case=child, action=Action.CLAIM, actor=reviewer)
        services.case_transition(case=child, action=Action.APPROVE, actor=reviewer)
    services.case_transition(
        case=children[0], action=Action.ISSUE_RESULT, actor=parallel.reviewers[0]
    )
    barrier = threading.Barrier(2)
    errors = []

    def issue(child: Case, reviewer) -> None:
        try:
            barrier.wait(5)
            services.case_transition(case=child, action=Action.ISSUE_RESULT, actor=reviewer)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=issue, args=(child, reviewer))
        for child, reviewer in zip(children[1:], parallel.reviewers[1:], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    parent.refresh_from_db()
    assert parent.state == S.RESULT_ISSUED
    assert parent.events.filter(action=Action.ISSUE_RESULT).count() == 1


# --- The demo --------------------------------------------------------------------------------


def test_the_demo_has_a_combined_application_in_progress_across_departments(settings, tmp_path):
    from django.core.management import call_command

    from cases.demo import DEMO_BUNDLE, ENTERPRISE, seed_bundle_in_progress

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo")

    assert seed_bundle_in_progress() is None  # a second run adds nothing

    parent = Case.objects.get(bundle__code=DEMO_BUNDLE, organisation__credit_code=ENTERPRISE)
    children = _children(parent)
    assert parent.state == S.ACCEPTED
    assert [child.state for child in children] == [
        S.APPROVED,
        S.IN_REVIEW,
        S.ACCEPTED,
        S.ACCEPTED,
        S.ACCEPTED,
    ]
    assert len({child.department_id for child in children}) == 5
    assert DepartmentNotice.objects.filter(case__parent=parent).count() == 5
    assert not OutboxMessage.objects.filter(
        kind=OutboxKind.ROUTE_CHILD, delivered_at__isnull=True
    ).exists()
