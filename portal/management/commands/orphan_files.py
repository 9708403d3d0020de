from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal import orphans


class Command(BaseCommand):
    help = "List (or with --delete remove) stored files older than a day that no row refers to."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove them")

    def handle(self, *args: Any, **options: Any) -> None:
        delete = options["delete"]
        names = orphans.delete_orphan_files() if delete else list(orphans.orphan_files())
        for name in names:
            self.stdout.write(name)
        verb = "deleted" if delete else "found"
        self.stdout.write(f"{len(names)} orphan file(s) {verb}.")
