from typing import Any

from django.core.management.base import BaseCommand, CommandError

from identity.models import AuditEvent
from identity.selectors import audit_chain_verify

REASONS = {
    "head": "the end of the chain (entries missing after the last one)",
    "checkpoint": "the purge checkpoint (no purge entry in the chain confirms it)",
}


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's SHA-256 chain from the newest purge checkpoint and "
        "report the first broken entry."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            if report.broken_at is not None:
                event = AuditEvent.objects.filter(pk=report.broken_at).first()
                where = f"event {report.broken_at}"
                if event is not None:
                    where += f" ({event.occurred_at:%Y-%m-%d %H:%M:%S%z}, {event.action})"
            else:
                where = REASONS[report.reason]
            raise CommandError(f"Audit chain broken at {where} after {report.checked} good events.")
        purged = f" ({report.purged} older events purged)" if report.purged else ""
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {report.checked} events{purged}.")
        )
