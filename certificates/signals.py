"""Signals other apps listen to, so that this app need not know them (apps depend downward)."""

from django.dispatch import Signal

# Sent by certificate_event_notify inside its transaction, once per person told about a life
# event of a certificate (issued, replaced, revoked, expired): event (the CertificateEvent),
# person (the User), title and body (the message in the person's language). The in-site
# inbox, which belongs to an app above this one, keeps a notice of it.
certificate_event_announced = Signal()
