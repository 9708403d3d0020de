"""Retention: audit_purge removes only old entries, as a prefix of the chain, and leaves a
checkpoint from which audit_verify still proves the rest; PostgreSQL allows nothing else."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from identity import selectors, services
from identity.constants import AuditAction
from identity.models import AuditChainHead, AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db


def _append_at(when: datetime, action: str = "test.event") -> AuditEvent:
    """An entry written at `when`, chained exactly as audit_record chains it."""
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            occurred_at=when, action=action, outcome="success", previous_hash=head.last_hash
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash, head.length = event.hash, head.length + 1
        head.save(update_fields=["last_hash", "length"])
    return event


def _days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def test_purge_removes_the_old_prefix_and_the_rest_still_verifies():
    old = [_append_at(_days_ago(400 - i)) for i in range(3)]
    young = [_append_at(_days_ago(10)), services.audit_record(action="test.now")]

    out = io.StringIO()
    call_command("audit_purge", stdout=out)

    assert out.getvalue().strip() == (
        f"Purged 3 audit events through event {old[-1].pk}; the chain now starts from a checkpoint."
    )
    remaining = list(AuditEvent.objects.values_list("pk", "action"))
    purge_entry = AuditEvent.objects.get(action=AuditAction.AUDIT_PURGE)
    assert remaining == [
        (young[0].pk, "test.event"),
        (young[1].pk, "test.now"),
        (purge_entry.pk, AuditAction.AUDIT_PURGE),
    ]
    checkpoint = AuditCheckpoint.objects.get()
    assert (
        checkpoint.through_id,
        checkpoint.through_hash,
        checkpoint.length,
        checkpoint.purged,
    ) == (
        old[-1].pk,
        old[-1].hash,
        3,
        3,
    )
    assert purge_entry.detail["through_hash"] == old[-1].hash
    assert selectors.audit_chain_verify() == selectors.ChainReport(ok=True, checked=3, purged=3)
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().strip() == "Audit chain intact: 3 events (3 older events purged)."


def test_a_second_purge_starts_from_the_first_checkpoint():
    _append_at(_days_ago(500))
    second = _append_at(_days_ago(300))
    services.audit_purge(before=_days_ago(450))

    report = services.audit_purge(before=_days_ago(200))

    assert (report.purged, report.through_id) == (1, second.pk)
    assert list(AuditCheckpoint.objects.values_list("length", "purged")) == [(1, 1), (2, 1)]
    assert selectors.audit_chain_verify() == selectors.ChainReport(ok=True, checked=2, purged=2)


def test_the_prefix_stops_at_the_first_young_entry():
    first = _append_at(_days_ago(300))
    _append_at(_days_ago(1))
    late_but_old = _append_at(_days_ago(300))  # written late with an old time

    report = services.audit_purge(before=_days_ago(200))

    assert (report.purged, report.through_id) == (1, first.pk)
    assert AuditEvent.objects.filter(pk=late_but_old.pk).exists()
    assert selectors.audit_chain_verify().ok


def test_purge_refuses_a_cutoff_inside_the_retention_period():
    event = _append_at(_days_ago(100))
    before = timezone.localdate() - timedelta(days=30)

    with pytest.raises(CommandError, match="未满184天的记录必须保留"):
        call_command("audit_purge", "--before", before.isoformat())

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [event.pk]
    assert not AuditCheckpoint.objects.exists()


def test_a_longer_retention_setting_is_respected(settings):
    settings.PORTAL_AUDIT_RETENTION_DAYS = 400
    event = _append_at(_days_ago(300))

    with pytest.raises(CommandError, match="未满400天的记录必须保留"):
        call_command(
            "audit_purge", "--before", (timezone.localdate() - timedelta(days=200)).isoformat()
        )
    call_command("audit_purge", stdout=io.StringIO())  # default cut-off: 400 days ago

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_retention_setting_below_184_days_fails_the_system_check(settings):
    settings.PORTAL_AUDIT_RETENTION_DAYS = 90

    with pytest.raises(SystemCheckError, match=r"identity\.E001"):
        call_command("check")
    # And the purge never goes below the minimum anyway.
    assert services.audit_retention_days() == 184


def test_purge_refuses_to_erase_a_tampered_prefix():
    events = [_append_at(_days_ago(300)) for _ in range(3)]
    _tamper("UPDATE identity_auditevent SET action = 'x' WHERE id = %s", [events[1].pk])

    with pytest.raises(CommandError, match=f"在第{events[1].pk}条记录处断链：未清理任何记录"):
        call_command("audit_purge")

    assert AuditEvent.objects.count() == 3
    assert not AuditCheckpoint.objects.exists()


def test_bad_date_is_a_clear_error():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("audit_purge", "--before", "last year")


def test_removing_the_first_entry_after_a_checkpoint_is_detected():
    _append_at(_days_ago(300))
    kept = [_append_at(_days_ago(10)) for _ in range(2)]
    services.audit_purge(before=_days_ago(200))
    _tamper("DELETE FROM identity_auditevent WHERE id = %s", [kept[0].pk])

    report = selectors.audit_chain_verify()

    assert (report.ok, report.broken_at, report.reason) == (False, kept[1].pk, "entry")


def test_a_checkpoint_the_chain_does_not_confirm_is_detected():
    events = [_append_at(_days_ago(300)) for _ in range(3)]
    # An intruder records a checkpoint of their own and deletes behind it.
    AuditCheckpoint.objects.create(
        through_id=events[0].pk,
        through_hash=events[0].hash,
        length=1,
        purged=1,
        cutoff=timezone.now(),
    )
    _tamper("DELETE FROM identity_auditevent WHERE id = %s", [events[0].pk])

    report = selectors.audit_chain_verify()

    assert (report.ok, report.reason) == (False, "checkpoint")
    with pytest.raises(CommandError, match="broken at the purge checkpoint"):
        call_command("audit_verify")


def test_the_orm_refuses_to_change_or_delete_checkpoints():
    _append_at(_days_ago(300))
    services.audit_purge(before=_days_ago(200))
    checkpoint = AuditCheckpoint.objects.get()

    with pytest.raises(TypeError):
        checkpoint.save()
    with pytest.raises(TypeError):
        checkpoint.delete()
    with pytest.raises(TypeError):
        AuditCheckpoint.objects.all().delete()
    with pytest.raises(TypeError):
        AuditCheckpoint.objects.all().update(length=0)


def _raw(sql: str, params: list, purge_mode: bool = False) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if purge_mode:
            cursor.execute("SELECT set_config('portal.audit_purge', 'on', true)")
        cursor.execute(sql, params)


@pytest.mark.postgres(reason="the append-only trigger")
def test_postgresql_refuses_a_plain_delete_even_of_old_checkpointed_entries():
    old = [_append_at(_days_ago(300)) for _ in range(2)]
    AuditCheckpoint.objects.create(
        through_id=old[-1].pk, through_hash=old[-1].hash, length=2, purged=0, cutoff=timezone.now()
    )

    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM identity_auditevent WHERE id = %s", [old[0].pk])

    assert AuditEvent.objects.count() == 2


@pytest.mark.postgres(reason="the append-only trigger")
def test_postgresql_refuses_the_purge_path_for_young_or_unchecked_entries():
    young = _append_at(_days_ago(100))
    old_beyond = _append_at(_days_ago(300))
    AuditCheckpoint.objects.create(
        through_id=young.pk, through_hash=young.hash, length=1, purged=0, cutoff=timezone.now()
    )

    # Younger than 184 days, even behind a checkpoint and with the purge setting on.
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM identity_auditevent WHERE id = %s", [young.pk], purge_mode=True)
    # Old, but past the newest checkpoint.
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM identity_auditevent WHERE id = %s", [old_beyond.pk], purge_mode=True)
    # Updates never, not even in purge mode.
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE identity_auditevent SET action = 'x' WHERE id = %s", [young.pk], True)

    assert AuditEvent.objects.count() == 2


@pytest.mark.postgres(reason="the append-only trigger")
def test_postgresql_refuses_changes_to_checkpoints():
    _append_at(_days_ago(300))
    services.audit_purge(before=_days_ago(200))

    with pytest.raises(DatabaseError, match="checkpoints are append-only"):
        _raw("UPDATE identity_auditcheckpoint SET length = 0", [])
    with pytest.raises(DatabaseError, match="checkpoints are append-only"):
        _raw("DELETE FROM identity_auditcheckpoint", [])

    assert AuditCheckpoint.objects.get().length == 1
