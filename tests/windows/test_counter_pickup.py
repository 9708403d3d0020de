"""综合窗口出件: results waiting at the hall are handed out against the pickup code or the
applicant's ID number, or sent by post with a tracking number; a wrong code changes nothing."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.constants import Action, CaseState, DeliveryMethod
from cases.delivery import case_set_delivery
from cases.errors import TransitionImpossible
from cases.models import Case
from core.errors import NotFound, ValidationFailed
from identity.constants import AuditOutcome
from identity.models import AuditEvent
from tests.windows.conftest import clerk_of
from tests.windows.counter_setup import result_issued, reviewer_of, service, submitted
from windows import counter, counter_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(hall):
    return service(hall, delivery_post=True)


@pytest.fixture
def ready(version, citizen, clerk) -> Case:
    return result_issued(version, citizen, clerk)


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def _snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.delivered_at, case.express_tracking, case.events.count())


def _hand_out(client, case: Case, **data):
    fields = {f"{case.number}-{key}": value for key, value in data.items()}
    return client.post(reverse("windows:pickup-hand-out", args=[case.number]), fields)


def test_issuing_a_result_for_the_window_gives_a_pickup_code(ready):
    assert ready.state == CaseState.RESULT_ISSUED
    assert len(ready.pickup_code) == 8
    assert ready.pickup_code.isdigit()


def test_a_result_sent_by_post_gets_no_pickup_code(version, citizen, clerk):
    case = submitted(version, citizen)
    case_set_delivery(case=case, actor=citizen, method=DeliveryMethod.POST, address="宜昌市西陵区")
    case_services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    reviewer = reviewer_of(version)
    for action in (Action.CLAIM, Action.APPROVE, Action.ISSUE_RESULT):
        case = case_services.case_transition(case=case, action=action, actor=reviewer)
    assert case.pickup_code == ""
    assert list(counter_selectors.results_to_post(clerk)) == [case]
    assert not counter_selectors.results_to_hand_out(clerk).exists()


def test_the_applicant_sees_the_pickup_code_on_the_case_page(client, citizen, ready):
    client.force_login(citizen)
    page = client.get(reverse("cases:detail", args=[ready.number])).content.decode()
    assert ready.pickup_code in page


def test_the_list_shows_the_halls_results_and_finds_one_by_code(at_window, ready):
    page = at_window.get(reverse("windows:pickup")).content.decode()
    assert ready.number in page
    assert ready.pickup_code not in page  # the applicant shows it; the screen does not
    found = at_window.get(reverse("windows:pickup"), {"q": ready.pickup_code})
    assert ready.number in found.content.decode()
    assert (
        ready.number
        not in at_window.get(reverse("windows:pickup"), {"q": "00000000"}).content.decode()
    )


def test_the_pickup_list_runs_a_fixed_number_of_queries(
    at_window, version, citizen, clerk, ready, django_assert_num_queries
):
    at_window.get(reverse("windows:pickup"))  # the session settles
    with CaptureQueriesContext(connection) as one_result:
        at_window.get(reverse("windows:pickup"))
    result_issued(version, citizen, clerk)
    with django_assert_num_queries(len(one_result.captured_queries)):
        response = at_window.get(reverse("windows:pickup"))
    assert response.content.decode().count('class="panel" id="case-') == 2


def test_handing_out_against_the_code_delivers_the_case(at_window, ready):
    response = _hand_out(at_window, ready, pickup_code=ready.pickup_code)
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.state == CaseState.DELIVERED
    assert ready.events.get(action=Action.DELIVER).payload == {"checked": "pickup_code"}


def test_handing_out_against_the_id_number_delivers_the_case(at_window, citizen, ready):
    assert _hand_out(at_window, ready, id_number=citizen.id_number).status_code == 302
    ready.refresh_from_db()
    assert ready.state == CaseState.DELIVERED


def test_a_wrong_code_is_refused_and_changes_nothing(at_window, clerk, ready):
    before = _snapshot(ready)
    wrong = f"{(int(ready.pickup_code) + 1) % 10**8:08d}"
    response = _hand_out(at_window, ready, pickup_code=wrong)
    assert response.status_code == 400
    assert "该取件码与本办件不符。" in response.content.decode()
    assert _snapshot(ready) == before
    failure = AuditEvent.objects.get(action="cases.hand_out")
    assert (failure.outcome, failure.actor) == (AuditOutcome.FAILURE, clerk)


def test_someone_elses_id_number_is_refused(at_window, ready):
    before = _snapshot(ready)
    response = _hand_out(at_window, ready, id_number="11010519491231002X")
    assert response.status_code == 400
    assert _snapshot(ready) == before


def test_nothing_entered_is_refused(at_window, ready):
    before = _snapshot(ready)
    assert _hand_out(at_window, ready).status_code == 400
    assert _snapshot(ready) == before


def test_a_result_handed_out_once_cannot_be_handed_out_again(clerk, ready):
    counter.counter_hand_out(case=ready, clerk=clerk, pickup_code=ready.pickup_code)
    before = _snapshot(ready)
    with pytest.raises(TransitionImpossible):
        counter.counter_hand_out(case=ready, clerk=clerk, pickup_code=ready.pickup_code)
    assert _snapshot(ready) == before


def test_sending_by_post_records_carrier_and_tracking(at_window, client, citizen, clerk, version):
    case = submitted(version, citizen)
    case_set_delivery(case=case, actor=citizen, method=DeliveryMethod.POST, address="宜昌市西陵区")
    case_services.case_transition(case=case, action=Action.ACCEPT, actor=clerk)
    reviewer = reviewer_of(version)
    for action in (Action.CLAIM, Action.APPROVE, Action.ISSUE_RESULT):
        case = case_services.case_transition(case=case, action=action, actor=reviewer)

    url = reverse("windows:pickup-post", args=[case.number])
    before = _snapshot(case)
    response = at_window.post(url, {f"{case.number}-express_carrier": "中国邮政EMS"})
    assert response.status_code == 400
    assert _snapshot(case) == before

    response = at_window.post(
        url,
        {
            f"{case.number}-express_carrier": "中国邮政EMS",
            f"{case.number}-express_tracking": "1187654321012",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.express_carrier, case.express_tracking) == (
        CaseState.DELIVERED,
        "中国邮政EMS",
        "1187654321012",
    )
    client.force_login(citizen)
    assert (
        "1187654321012" in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    )


def test_a_result_for_the_window_is_not_sent_by_post(clerk, ready):
    before = _snapshot(ready)
    with pytest.raises(ValidationFailed):
        counter.counter_send_by_post(case=ready, clerk=clerk, carrier="EMS", tracking="1")
    ready.delivery_method = DeliveryMethod.WINDOW
    ready.save(update_fields=["delivery_method"])
    with pytest.raises(ValidationFailed):
        counter.counter_send_by_post(case=ready, clerk=clerk, carrier="EMS", tracking="1")
    assert _snapshot(ready) == before


# --- Refused side ------------------------------------------------------------------------


def test_another_halls_clerk_neither_sees_nor_hands_out(client, other_clerk, ready):
    client.force_login(other_clerk)
    assert ready.number not in client.get(reverse("windows:pickup")).content.decode()
    before = _snapshot(ready)
    assert _hand_out(client, ready, pickup_code=ready.pickup_code).status_code == 404
    with pytest.raises(NotFound):
        counter.counter_hand_out(case=ready, clerk=other_clerk, pickup_code=ready.pickup_code)
    assert _snapshot(ready) == before
    assert not AuditEvent.objects.filter(action="cases.hand_out").exists()


def test_a_citizen_cannot_hand_out_their_own_result(client, citizen, ready):
    client.force_login(citizen)
    before = _snapshot(ready)
    assert _hand_out(client, ready, pickup_code=ready.pickup_code).status_code == 403
    assert _snapshot(ready) == before


@pytest.mark.postgres(reason="real concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_clerks_handing_out_one_result_at_once_succeed_once(hall, clerk, ready):
    other = clerk_of(hall)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def hand_out(who) -> None:
        try:
            barrier.wait()
            counter.counter_hand_out(case=ready, clerk=who, pickup_code=ready.pickup_code)
            outcomes.append("ok")
        except Exception as error:  # the loser must fail with the 409 error
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_out, args=(who,)) for who in (clerk, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["TransitionImpossible", "ok"]
    assert ready.events.filter(action=Action.DELIVER).count() == 1


# --- A combined application (一件事): its results leave together ---------------------------


@pytest.fixture
def bundle_parent(hall, citizen, clerk, django_capture_on_commit_callbacks) -> Case:
    """开办企业一件事 of the hall's region, accepted at the hall: two services of two
    departments, each with its reviewer."""
    from cases import bundles
    from tests.factories.matters import BundleFactory, BundleItemFactory, VersionFactory

    bundle = BundleFactory(code="start-business", name="开办企业一件事")
    for order in range(2):
        version = VersionFactory(implementation__region=hall.region, delivery_window=True)
        BundleItemFactory(bundle=bundle, implementation=version.implementation, order=order)
    parent = bundles.bundle_case_create(bundle_code=bundle.code, actor=citizen, form_data={})
    parent = bundles.bundle_case_submit(case=parent, actor=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_transition(case=parent, action=Action.ACCEPT, actor=clerk)
    return Case.objects.get(pk=parent.pk)


def _issue(child: Case, callbacks) -> None:
    reviewer = reviewer_of(child.version)
    with callbacks(execute=True):
        for action in (Action.CLAIM, Action.APPROVE, Action.ISSUE_RESULT):
            child = case_services.case_transition(case=child, action=action, actor=reviewer)


def test_a_combined_applications_results_are_listed_once_all_are_in_and_leave_together(
    at_window, clerk, bundle_parent, django_capture_on_commit_callbacks
):
    first, second = Case.objects.filter(parent=bundle_parent).order_by("pk")

    _issue(first, django_capture_on_commit_callbacks)
    # One service's result alone is not handed out: it waits for the other.
    assert Case.objects.get(pk=first.pk).state == CaseState.RESULT_ISSUED
    assert list(counter_selectors.results_to_hand_out(clerk)) == []
    page = at_window.get(reverse("windows:pickup")).content.decode()
    assert first.number not in page

    _issue(second, django_capture_on_commit_callbacks)
    parent = Case.objects.get(pk=bundle_parent.pk)
    assert parent.state == CaseState.RESULT_ISSUED
    assert list(counter_selectors.results_to_hand_out(clerk)) == [parent]

    response = _hand_out(at_window, parent, pickup_code=parent.pickup_code)

    assert response.status_code == 302
    states = Case.objects.filter(parent=parent).values_list("state", flat=True)
    assert (Case.objects.get(pk=parent.pk).state, set(states)) == (
        CaseState.DELIVERED,
        {CaseState.DELIVERED},
    )
