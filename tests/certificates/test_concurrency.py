"""Certificates issued and revoked at the same moment (PostgreSQL: real row locks)."""

import threading

import pytest
from django.db import connection

from certificates import services
from certificates.constants import EventKind
from certificates.models import Certificate, CertificateEvent
from identity.constants import Role
from tests.certificates.conftest import issue
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.postgres(reason="real concurrency"),
    pytest.mark.django_db(transaction=True),
]
THREADS = 8


def _together(work) -> list[str]:
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
            outcomes.append("ok")
        except Exception as error:  # each loser fails with a domain error
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_simultaneous_approvals_never_share_a_serial(licence_type, department):
    holders = [MembershipFactory(role=Role.HANDLER).organisation for _ in range(THREADS)]

    outcomes = _together(
        lambda n: issue(licence_type, issuer=department, holder_organisation=holders[n])
    )

    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert outcomes == ["ok"] * THREADS
    assert [int(serial[4:]) for serial in serials] == list(range(1, THREADS + 1))


def test_a_certificate_revoked_by_several_reviewers_at_once_is_revoked_once(residence, manager):
    outcomes = _together(
        lambda n: services.certificate_revoke(
            certificate=residence, actor=manager, reason=f"注销 {n}"
        )
    )

    assert sorted(outcomes) == ["Conflict"] * (THREADS - 1) + ["ok"]
    assert CertificateEvent.objects.filter(kind=EventKind.REVOKED).count() == 1
