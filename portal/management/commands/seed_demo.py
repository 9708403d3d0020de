from typing import Any

from django.core.management.base import BaseCommand

from portal.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo regions, departments and accounts (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
