from typing import Any

from django.core.management.base import BaseCommand, CommandError

from identity.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and report the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.ok:
            where = f"event {report.broken_at}" if report.broken_at else "the end of the chain"
            raise CommandError(f"Audit chain broken at {where} after {report.checked} good events.")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events."))
