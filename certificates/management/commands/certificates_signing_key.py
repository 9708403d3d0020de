"""Make a new Ed25519 signing key for certificates (key rotation, docs/adr/0007)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from certificates import signing


class Command(BaseCommand):
    help = "Print a new certificate signing key and the entry that keeps it verifying once retired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--key-id",
            default="",
            help="Name of the key (default: platform-<today>), stored with every signature.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        key_id = options["key_id"] or f"platform-{timezone.localdate():%Y%m%d}"
        private, public = signing.new_key(key_id)
        self.stdout.write(f"PORTAL_SIGNING_KEY={private}")
        self.stdout.write(
            f"# public key, for PORTAL_SIGNING_PUBLIC_KEYS after the next rotation: {public}"
        )
