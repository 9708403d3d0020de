"""What the trail records about people (subject), admin changes and staff reads, and the
supervisor's search over it with keyset pages."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.utils import timezone

from identity import selectors, services
from identity.constants import AuditAction
from identity.models import AuditEvent, User
from tests.factories import AuthorisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_about_a_person_names_them_as_its_subject():
    citizen = UserFactory()
    authorisation = AuthorisationFactory(principal=citizen)

    about_user = services.audit_record(action="test.user", target=citizen)
    about_object = services.audit_record(action="test.grant", target=authorisation)
    about_nobody = services.audit_record(action="test.none", object_type="url", object_id="/x")

    assert (about_user.subject_id, about_object.subject_id, about_nobody.subject_id) == (
        citizen.pk,
        citizen.pk,
        None,
    )
    assert selectors.audit_chain_verify().ok


def test_admin_site_changes_join_the_trail():
    admin = UserFactory(is_staff=True, is_superuser=True)
    changed = UserFactory()
    content_type = ContentType.objects.get_for_model(User)

    LogEntry.objects.log_actions(
        user_id=admin.pk,
        queryset=[changed],
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Phone"]}}]',
    )

    event = AuditEvent.objects.get(action=AuditAction.ADMIN_CHANGE)
    assert (event.actor_id, event.object_type, event.object_id) == (
        admin.pk,
        f"{content_type.app_label}.{content_type.model}",
        str(changed.pk),
    )
    assert event.detail["change"] == '[{"changed": {"fields": ["Phone"]}}]'
    assert changed.name not in str(event.detail)


def test_an_admin_addition_through_the_site_is_audited(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.post(
        "/admin/identity/region/add/",
        {"code": "420502000000", "name": "西陵区", "level": "county"},
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.ADMIN_ADDITION)
    assert (event.actor_id, event.object_type) == (admin.pk, "identity.region")
    assert LogEntry.objects.get().action_flag == ADDITION


def _request(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_a_staff_read_of_someone_elses_data_is_recorded_and_ones_own_is_not():
    citizen, officer = UserFactory(), UserFactory()

    recorded = services.audit_record_read(request=_request(officer), target=citizen, purpose="case")
    own = services.audit_record_read(request=_request(citizen), target=citizen)

    assert own is None
    assert (recorded.action, recorded.actor_id, recorded.subject_id, recorded.detail) == (
        AuditAction.PERSONAL_DATA_READ,
        officer.pk,
        citizen.pk,
        {"purpose": "case"},
    )


def _ids(events):
    return [event.pk for event in events]


def test_search_by_person_finds_what_they_did_and_what_was_done_about_them():
    citizen, officer = UserFactory(), UserFactory()
    by_citizen = services.audit_record(action="cases.submit", actor=citizen)
    about_citizen = services.audit_record(action="cases.accept", actor=officer, target=citizen)
    services.audit_record(action="cases.accept", actor=officer)

    found = selectors.audit_search(selectors.AuditFilter(person=citizen.pk))

    assert _ids(found) == [about_citizen.pk, by_citizen.pk]


def test_search_by_actor_object_action_and_time():
    officer = UserFactory()
    old = services.audit_record(
        action="cases.accept", actor=officer, object_type="cases.case", object_id="7"
    )
    new = services.audit_record(
        action="cases.approve", actor=officer, object_type="cases.case", object_id="7"
    )
    services.audit_record(action="cases.accept", object_type="cases.case", object_id="8")
    services.audit_record(action="identity.sign_in", actor=officer)

    def search(**filters):
        return _ids(selectors.audit_search(selectors.AuditFilter(**filters)))

    assert search(actor=officer.pk, object_type="cases.case", object_id="7") == [new.pk, old.pk]
    assert search(actor=officer.pk, action="cases.accept") == [old.pk]
    assert search(actor=officer.pk, action="cases.") == [new.pk, old.pk]
    now = timezone.now()
    assert (
        search(
            actor=officer.pk, since=now - timedelta(minutes=1), until=now + timedelta(minutes=1)
        )[:1]
        != []
    )
    assert search(actor=officer.pk, until=now - timedelta(days=1)) == []


def test_keyset_pages_cover_every_entry_once_without_counting(django_assert_num_queries):
    events = [services.audit_record(action="test.page", detail={"n": i}) for i in range(5)]
    found = selectors.audit_search(selectors.AuditFilter(action="test.page"))

    with django_assert_num_queries(1):
        first, after = selectors.audit_page(found, before=None, size=2)
    second, after2 = selectors.audit_page(found, before=after, size=2)
    last, end = selectors.audit_page(found, before=after2, size=2)

    newest_first = [event.pk for event in reversed(events)]
    assert [_ids(first), _ids(second), _ids(last)] == [
        newest_first[:2],
        newest_first[2:4],
        newest_first[4:],
    ]
    assert end is None


def test_a_person_is_found_by_a_valid_id_number_only():
    citizen = UserFactory(id_number="420502199003071234")

    assert selectors.user_by_id_number(" 420502199003071234 ") == citizen
    assert selectors.user_by_id_number("420502199003071235") is None  # wrong check digit
    assert selectors.user_by_id_number("11010519491231002X") is None  # valid, unknown
