from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import outbox


class Command(BaseCommand):
    help = (
        "Deliver the outbox messages (hand-offs, consultations, bundle fan-out) still pending: "
        "schedule them for the Celery workers (the periodic sweep does the same), or deliver "
        "them in this process with --here. Failed messages are left to the admin's "
        "'send again'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(outbox.SWEEP_AFTER.total_seconds()),
            help="Only messages written at least this many seconds ago (default: %(default)s).",
        )
        parser.add_argument(
            "--here",
            action="store_true",
            help="Deliver in this process instead of scheduling (e.g. while the broker is down).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["older_than"] < 0:
            raise CommandError("--older-than must be 0 or more seconds.")
        older_than = timedelta(seconds=options["older_than"])
        if options["here"]:
            delivered, failed = outbox.deliver_pending(older_than=older_than)
            self.stdout.write(f"Delivered {delivered} message(s); {failed} attempt(s) failed.")
            return
        scheduled = outbox.sweep(older_than=older_than, limit=None)
        self.stdout.write(f"Scheduled {scheduled} message(s) for delivery.")
