"""Run the deadline sweep once (what Celery beat does every few minutes)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supervision import notifications, sweep


class Command(BaseCommand):
    help = "Raise yellow and red deadline cards, close those of what was done, notify."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="Sweep as on this date (YYYY-MM-DD); default today.")
        parser.add_argument(
            "--no-notify", action="store_true", help="Raise and close only; notify later."
        )
        parser.add_argument("--chunk-size", type=int, default=sweep.CHUNK_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today takes a date as YYYY-MM-DD.") from error
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        report = sweep.sweep_deadlines(today=today, chunk_size=options["chunk_size"])
        for (kind, colour), count in sorted(report.raised.items()):
            self.stdout.write(f"raised {colour} {kind}: {count}")
        self.stdout.write(
            f"raised {report.raised_total}, closed {report.closed} in {report.seconds:.2f} s"
        )
        if not options["no_notify"]:
            told = notifications.cards_notify()
            self.stdout.write(f"notified about {told} cards")
