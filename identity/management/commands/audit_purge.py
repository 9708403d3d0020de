from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.errors import ApplicationError
from identity.services import audit_purge, audit_retention_days


class Command(BaseCommand):
    help = (
        "Purge audit entries older than a date, keeping the chain verifiable from a "
        "checkpoint. Entries younger than the retention period (PORTAL_AUDIT_RETENTION_DAYS, "
        "at least 184 days) are never purged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--before",
            help="Purge entries before this date (YYYY-MM-DD, local time). Default: the "
            "start of the retention period.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["before"]:
            try:
                day = datetime.strptime(options["before"], "%Y-%m-%d").date()
            except ValueError:
                raise CommandError("--before must be a date written YYYY-MM-DD.") from None
            before = timezone.make_aware(datetime.combine(day, time.min))
        else:
            before = timezone.now() - timedelta(days=audit_retention_days())
        try:
            report = audit_purge(before=before)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        if not report.purged:
            self.stdout.write(f"Nothing to purge before {before:%Y-%m-%d %H:%M}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged {report.purged} audit events through event {report.through_id}; "
                "the chain now starts from a checkpoint."
            )
        )
