"""The transactional outbox: hand-offs, fan-outs and department notifications are written
as rows in the same transaction as the state change they follow, then delivered once each.

A handler is registered per kind and runs inside the transaction that marks its message
delivered, with the message row locked: a delivery either happens together with its mark
or not at all, so a retry or a second worker never does it twice.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import OutboxMessage

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
    transaction.on_commit(lambda: _schedule(message.pk))
    return message


def _schedule(message_id: Any) -> None:
    from cases.tasks import deliver_outbox_message

    deliver_outbox_message.delay(message_id=str(message_id))


def deliver(message_id: Any) -> bool:
    """Deliver one message unless it already was; True when this call delivered it."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, delivered_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        _HANDLERS[message.kind](message)
        message.delivered_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["delivered_at", "attempts"])
    return True
