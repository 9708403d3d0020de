"""Check every certificate's signatures and stored PDF (like the audit chain check)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from certificates import selectors
from certificates.models import Certificate


class Command(BaseCommand):
    help = "Verify the signature and the PDF of every certificate; fail when one does not match."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, failed = 0, []
        for certificate in Certificate.objects.select_related("type", "predecessor").iterator(
            chunk_size=500
        ):
            checked += 1
            if not selectors.signature_intact(certificate):
                failed.append(f"{certificate.identifier}: data does not match its signature")
            elif selectors.pdf_intact(certificate) is False:
                failed.append(f"{certificate.identifier}: PDF does not match its signature")
        for line in failed:
            self.stderr.write(line)
        if failed:
            raise CommandError(f"{len(failed)} of {checked} certificates failed verification.")
        self.stdout.write(f"{checked} certificates verified.")
