"""The transactional outbox: hand-offs, fan-outs and department notifications are written
as rows in the same transaction as the state change they follow, then delivered once each.

A handler is registered per kind and runs inside the transaction that marks its message
delivered, with the message row locked: a delivery either happens together with its mark
or not at all, so a retry or a second worker never does it twice.

Nothing is lost: a message is scheduled when its transaction commits; a failed attempt is
recorded and retried with back-off until `MAX_ATTEMPTS`, then the message is marked failed
(visible in the admin, which can send it again); and a periodic sweep schedules again every
message still pending after a while — the worker died, the broker lost the task, or the
process stopped between the commit and the scheduling. Scheduling a message twice is harmless.
"""

import logging
import random
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OutboxMessage
from core import tasks as core_tasks
from identity.models import User
from identity.services import audit_record

logger = logging.getLogger(__name__)

# Attempts per message before it is marked failed (an administrator may send it again).
MAX_ATTEMPTS = 6
# Back-off before retry n: about RETRY_BASE_SECONDS * 2**(n-1), at most RETRY_CAP_SECONDS.
RETRY_BASE_SECONDS = 2.0
RETRY_CAP_SECONDS = 300.0
# The sweep leaves alone messages younger than this: their task is most likely on its way.
SWEEP_AFTER = timedelta(minutes=2)
SWEEP_CHUNK = 500
# At most this many per sweep: when the workers fall behind, the queued messages are swept
# again too (harmless, each one's second task does nothing), but only so many per run.
SWEEP_LIMIT = 2000
ERROR_MAX_LENGTH = 2000


class OutboxKind(models.TextChoices):
    """The kinds of message the cases app writes (their handlers: cases.handoffs)."""

    HAND_OFF = "cases.hand_off", _("Case handed off (转办)")
    CONSULTATION = "cases.consultation", _("Opinion requested (征求意见)")
    ROUTE_CHILD = "cases.route_child", _("Bundle service routed (并联审批)")
    BUNDLE_ADVANCE = "cases.bundle_advance", _("Bundle progress")
    ROUTED = "cases.routed", _("Case routed to the department (分送)")


Handler = Callable[[OutboxMessage], None]
_HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that delivers messages of one kind."""

    def register(function: Handler) -> Handler:
        _HANDLERS[kind] = function
        return function

    return register


def enqueue(*, kind: str, payload: dict[str, Any]) -> OutboxMessage:
    """Write a message; call inside the transaction of the change it follows. Delivery is
    scheduled once that transaction commits."""
    if kind not in _HANDLERS:
        raise LookupError(f"No outbox handler for {kind!r}")
    message = OutboxMessage.objects.create(kind=kind, payload=payload)
    transaction.on_commit(partial(schedule, message.pk))
    return message


def schedule(message_id: Any) -> None:
    """Ask a worker to deliver one message (now, or in-process in the embedded mode)."""
    from cases.tasks import deliver_outbox_message

    # A broker that is down leaves the message to the sweep (the row is committed already).
    core_tasks.enqueue(deliver_outbox_message, message_id=str(message_id))


def deliver(message_id: Any) -> bool:
    """Deliver one message unless it already was (or failed for good); True when this call
    delivered it. A message locked by another delivery is skipped, not waited for: that one
    either commits it or, if its worker dies, rolls back and leaves it to the sweep."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, delivered_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        _HANDLERS[message.kind](message)
        message.delivered_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["delivered_at", "attempts"])
    return True


def record_failure(*, message_id: Any, error: BaseException) -> OutboxMessage | None:
    """Count a failed attempt (the handler's effects were rolled back with it) and mark the
    message failed once the attempts run out. Returns the message while it is still to be
    retried; None when there is nothing to retry (delivered meanwhile, or failed now)."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, delivered_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        if message.attempts >= MAX_ATTEMPTS:
            message.failed_at = timezone.now()
        message.save(update_fields=["attempts", "last_error", "failed_at"])
    if message.failed_at is not None:
        logger.error("Outbox message %s (%s) failed for good", message.pk, message.kind)
        return None
    return message


def retry_delay(attempts: int) -> float:
    """Seconds to wait before the next attempt after `attempts` failed ones: exponential,
    capped, and half of it random so that messages failing together spread out."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311  # nosec B311 - jitter, not a secret


def pending(*, older_than: timedelta = SWEEP_AFTER) -> models.QuerySet[OutboxMessage]:
    """Messages neither delivered nor failed, written more than `older_than` ago."""
    return OutboxMessage.objects.filter(
        delivered_at__isnull=True,
        failed_at__isnull=True,
        created_at__lte=timezone.now() - older_than,
    )


def sweep(
    *,
    older_than: timedelta = SWEEP_AFTER,
    chunk_size: int = SWEEP_CHUNK,
    limit: int | None = SWEEP_LIMIT,
) -> int:
    """Schedule again the pending messages older than `older_than`, oldest first (up to
    `limit`, None for all), reading them in chunks (keyset on created_at, id: no OFFSET, no
    long transaction). Returns how many were scheduled."""
    cutoff = pending(older_than=older_than).order_by("created_at", "id")
    scheduled = 0
    after: tuple[Any, Any] | None = None
    while limit is None or scheduled < limit:
        chunk = cutoff
        if after is not None:
            chunk = chunk.filter(
                Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1])
            )
        size = chunk_size if limit is None else min(chunk_size, limit - scheduled)
        rows = list(chunk.values_list("created_at", "id")[:size])
        for _created_at, message_id in rows:
            schedule(message_id)
        scheduled += len(rows)
        if len(rows) < size:
            break
        after = rows[-1]
    return scheduled


def deliver_pending(*, older_than: timedelta = SWEEP_AFTER) -> tuple[int, int]:
    """Deliver the pending messages here, one by one, without a worker (e.g. while the
    broker is down). Returns (delivered, failed attempts)."""
    delivered = failed = 0
    for message_id in (
        pending(older_than=older_than).order_by("created_at").values_list("id", flat=True)
    ):
        try:
            delivered += deliver(message_id)
        except Exception as error:  # recorded on the row; the sweep or a re-run retries
            record_failure(message_id=message_id, error=error)
            failed += 1
    return delivered, failed


def resend(*, message_ids: Iterable[Any], actor: User) -> int:
    """Send undelivered messages again (an administrator's action): failed ones get a new
    round of attempts. Returns how many were scheduled."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=list(message_ids), delivered_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(failed_at=None, attempts=0)
        audit_record(
            action="cases.outbox_resend",
            actor=actor,
            object_type="cases.outboxmessage",
            detail={"messages": [str(message_id) for message_id in ids]},
        )
        for message_id in ids:
            transaction.on_commit(partial(schedule, message_id))
    return len(ids)
