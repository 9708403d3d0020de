import io
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from identity import selectors, services
from identity.models import AuditChainHead, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [services.audit_record(action="test.event", detail={"n": i}) for i in range(n)]


def _tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as an attacker with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # step around the append-only trigger
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_events_form_one_chain_that_verifies():
    events = _append(3)

    assert events[0].previous_hash == "0" * 64
    assert [e.previous_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert selectors.audit_chain_verify() == selectors.ChainReport(ok=True, checked=3)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().strip() == "Audit chain intact: 3 events."


def test_the_old_command_name_still_verifies():
    _append(2)
    out = io.StringIO()

    call_command("verify_audit_chain", stdout=out)

    assert out.getvalue().strip() == "Audit chain intact: 2 events."


def test_a_changed_entry_is_detected():
    events = _append(3)
    _tamper("UPDATE identity_auditevent SET outcome = 'denied' WHERE id = %s", [events[1].pk])

    report = selectors.audit_chain_verify()

    assert (report.ok, report.checked, report.broken_at) == (False, 1, events[1].pk)
    with pytest.raises(CommandError, match=f"broken at event {events[1].pk} .*test.event"):
        call_command("audit_verify")


def test_a_removed_last_entry_is_detected():
    events = _append(2)
    _tamper("DELETE FROM identity_auditevent WHERE id = %s", [events[-1].pk])

    assert selectors.audit_chain_verify() == selectors.ChainReport(
        ok=False, checked=1, reason="head"
    )
    with pytest.raises(
        CommandError,
        match=r"broken at the end of the chain \(entries missing after the last one\) after 1 good",
    ):
        call_command("audit_verify")


def test_the_orm_refuses_to_change_or_delete_entries():
    event = _append(1)[0]

    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(outcome="denied")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.postgres(reason="the append-only trigger")
def test_postgresql_refuses_raw_updates_too():
    event = _append(1)[0]

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE identity_auditevent SET outcome = 'x' WHERE id = %s", [event.pk])


def test_personal_data_stays_masked_in_the_trail(client):
    user = UserFactory(id_number="420502199003071234")
    client.post("/accounts/sign-in/", {"id_number": user.id_number, "password": "nope"})

    event = AuditEvent.objects.get()
    assert event.actor_label == "4205**********1234"
    assert "420502199003071234" not in str(event.detail)


@pytest.mark.postgres(reason="real concurrency")
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_still_form_a_single_chain():
    workers, per_worker = 8, 5
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            for i in range(per_worker):
                services.audit_record(action="test.concurrent", detail={"w": index, "i": i})
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert selectors.audit_chain_verify() == selectors.ChainReport(
        ok=True, checked=workers * per_worker
    )
    assert AuditChainHead.objects.get().length == workers * per_worker
