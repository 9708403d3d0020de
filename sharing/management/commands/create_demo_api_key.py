"""Make an API key for a demo department system and print it once (it is never stored).

    manage.py create_demo_api_key                     # 宜昌市市场监督管理局 (scjg)
    manage.py create_demo_api_key --department 11420500MB0000007K

`seed_demo` prints no key: a key printed on every seeding would sit in logs. The key acts as
a reviewer or the head of the department (the responsible official) and reads only what
the department is granted.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from identity import services
from identity.models import Membership, Organisation
from sharing.constants import SHARING_ROLES
from sharing.demo import DEMO_KEY_DEPARTMENT


class Command(BaseCommand):
    help = "Create an API key for a demo department system and print it once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--department",
            default=DEMO_KEY_DEPARTMENT,
            help="Credit code of the department (default: the demo market regulator).",
        )
        parser.add_argument("--name", default="Demo department system")

    def handle(self, *args: Any, **options: Any) -> None:
        department = Organisation.objects.filter(
            credit_code=options["department"].strip().upper()
        ).first()
        if department is None:
            raise CommandError("No such department: run seed_demo first, or check the code.")
        official = (
            Membership.objects.filter(
                organisation=department, role__in=SHARING_ROLES, is_active=True
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if official is None:
            raise CommandError("The department has no reviewer or head to answer for a key.")
        try:
            api_key, secret = services.api_key_create(
                name=options["name"], department=department, owner=official.user, created_by=None
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(f"{department.name}: key {api_key.prefix}… for {official.user.name}")
        self.stdout.write("Shown once, never stored. Use it as:")
        self.stdout.write(f"Authorization: Api-Key {secret}")
