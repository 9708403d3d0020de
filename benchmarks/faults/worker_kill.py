"""Fault: the Celery worker is killed with SIGKILL again and again while reviewers approve
cases that issue e-certificates (PDF rendered by a task) and hand cases off to another
department (delivered through the outbox). Nothing may be lost (every certificate gets its
PDF and its holder's e-mail, every hand-off is delivered) and nothing done twice (one
certificate per case, one PDF render, one e-mail per event and recipient, one department
notice per hand-off).

One run, on a PostgreSQL and a Redis of its own (ports 55432 and 56379, started and removed
here): `migrate`, `seed_demo`, then --cases cases of 个体工商户设立登记 (issues a 营业执照 on
approval) and --cases others under review at 市场监管局, written in-process. gunicorn serves
the API; a Celery worker (prefork, 2 processes, its own process group) consumes the tasks.
Two client threads post the approvals and hand-offs as the demo reviewer, interleaved, while
a killer SIGKILLs the worker's whole process group every --kill-every seconds and starts a new
one, until the requests are done (at least --kills kills). A worker needs 2-4 s to boot on the
2-core machine: it works a few seconds between kills.

Then the last worker stays up and the periodic sweeps run as Celery beat runs them
(cases.tasks.sweep_outbox, certificates.tasks.recover_certificates), sent by this script every
--sweep-every seconds with older_than_seconds=--recover-after instead of the production
schedule's 120 s and 300 s, so that the run takes minutes, not a quarter of an hour.

E-mails go to files (EMAIL_URL=filemail://): each certificate e-mail names the certificate's
link, so e-mails per certificate are counted.

Usage, from the repository root (as root, or as a user who may run initdb):

    .venv/bin/python benchmarks/faults/worker_kill.py [--cases 100] [--kill-every 3]
"""

import argparse
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _infra  # the sibling helper module, found through the line above

SERVICE = "个体工商户设立登记"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100, help="approvals, and as many hand-offs")
    parser.add_argument(
        "--kill-every",
        type=float,
        default=6.0,
        help="seconds between kills (a worker boots in 2-4)",
    )
    parser.add_argument("--kills", type=int, default=10, help="at least this many kills")
    parser.add_argument("--recover-after", type=int, default=20, help="sweeps' older_than (s)")
    parser.add_argument("--sweep-every", type=float, default=15.0, help="seconds between sweeps")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up recovering after")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with (
        _infra.workdir("worker") as work,
        _infra.own_postgres(work) as postgres,
        _infra.own_redis(work) as redis_server,
    ):
        mail_dir = work / "mail"
        mail_dir.mkdir()
        env = _infra.portal_env(
            database_url=postgres.url, redis_url=redis_server.url, media=work / "media"
        )
        # django-environ drops one slash: filemail:////tmp/… is the absolute path /tmp/…
        env["EMAIL_URL"] = f"filemail:///{mail_dir}"
        _infra.log("migrate + seed_demo")
        _infra.manage(env, "migrate", "--verbosity", "0")
        _infra.manage(env, "seed_demo", "--verbosity", "0")
        import django

        django.setup()
        from django.utils import timezone

        _infra.log(f"{args.cases} + {args.cases} cases under review")
        approve = _infra.seed_in_review(args.cases, SERVICE)
        hand_off = _infra.seed_in_review(args.cases, SERVICE)
        started_at = timezone.now()

        statuses: Counter = Counter()
        kills = 0
        with (
            _infra.gunicorn(env, work),
            _infra.celery_workers(env, work, pool="prefork", concurrency=2) as workers,
        ):
            current = workers.start()
            token = _infra.token(_infra.REVIEWER)
            jobs = [job for pair in zip(approve, hand_off, strict=True) for job in pair]
            lock = threading.Lock()

            def client(share: list[str]) -> None:
                for number in share:
                    if number in approve:
                        status, _ = _infra.transition(
                            number, "approve", token=token, comment="准予办理。"
                        )
                        key = f"approve {status}"
                    else:
                        status, _ = _infra.transition(
                            number,
                            "hand_off",
                            token=token,
                            department=_infra.GAJ,
                            comment="不属于本部门职责",
                        )
                        key = f"hand_off {status}"
                    with lock:
                        statuses[key] += 1

            clients = [threading.Thread(target=client, args=(jobs[i::2],)) for i in range(2)]
            _infra.log(f"{len(jobs)} requests, SIGKILL of the worker every {args.kill_every} s")
            for thread in clients:
                thread.start()
            while True:
                time.sleep(args.kill_every)
                workers.kill(current)
                kills += 1
                current = workers.start()
                busy = any(thread.is_alive() for thread in clients)
                if not busy and kills >= args.kills:
                    break
            for thread in clients:
                thread.join()
            _infra.log(f"{kills} kills; requests {dict(statuses)}; the last worker stays up")

            # What the kills lost: still pending once the last worker has emptied the queue.
            drained = time.monotonic() + 120
            while _infra.queued(redis_server.url) and time.monotonic() < drained:
                time.sleep(1)
            time.sleep(5)
            lost = pending(approve, started_at)
            _infra.log(
                "left to the sweeps: {} PDF renders, {} certificate notifications, "
                "{} hand-offs".format(*lost)
            )

            # The sweeps, as beat sends them.
            from cases.tasks import resend_lost_notifications, sweep_outbox
            from certificates.tasks import recover_certificates

            deadline = time.monotonic() + args.timeout
            recovered_in = None
            sweeps = 0
            while time.monotonic() < deadline:
                if complete(approve, started_at):
                    recovered_in = args.timeout - (deadline - time.monotonic())
                    break
                sweep_outbox.delay(older_than_seconds=args.recover_after)
                resend_lost_notifications.delay(older_than_seconds=args.recover_after)
                recover_certificates.delay(older_than_seconds=args.recover_after)
                sweeps += 1
                time.sleep(args.sweep_every)
            time.sleep(5)  # anything still running finishes (a duplicate would show)

        report(
            args, approve, hand_off, started_at, statuses, kills, sweeps, recovered_in, work, lost
        )


def pending(approve: list[str], started_at) -> tuple[int, int, int]:
    """(certificates without a PDF, events not notified, hand-offs not delivered)."""
    from cases.models import OutboxMessage
    from certificates.models import Certificate, CertificateEvent

    return (
        Certificate.objects.filter(source_reference__in=approve, pdf_sha256="").count(),
        CertificateEvent.objects.filter(
            certificate__source_reference__in=approve, notified_at__isnull=True
        ).count(),
        OutboxMessage.objects.filter(created_at__gte=started_at, delivered_at__isnull=True).count(),
    )


def complete(approve: list[str], started_at) -> bool:
    from cases.models import CaseEvent
    from certificates.models import Certificate

    issued = Certificate.objects.filter(source_reference__in=approve).count()
    untold = CaseEvent.objects.filter(notify_pending=True, at__gte=started_at).exists()
    return issued >= len(approve) and pending(approve, started_at) == (0, 0, 0) and not untold


def report(args, approve, hand_off, started_at, statuses, kills, sweeps, recovered_in, work, lost):
    from django.db.models import Count

    from cases.constants import CaseState
    from cases.models import Case, CaseEvent, DepartmentNotice, Notice, OutboxMessage
    from certificates import notifications
    from certificates.constants import AuditAction
    from certificates.models import Certificate, CertificateEvent
    from identity.models import AuditEvent

    approved = Case.objects.filter(number__in=approve, state=CaseState.APPROVED).count()
    handed = Case.objects.filter(number__in=hand_off, department__credit_code=_infra.GAJ).count()
    certificates = list(Certificate.objects.filter(source_reference__in=approve))
    per_case = Counter(c.source_reference for c in certificates)
    without_pdf = sum(1 for c in certificates if not c.pdf_sha256)
    renders = Counter(
        AuditEvent.objects.filter(
            action=AuditAction.RENDER, object_id__in=[str(c.pk) for c in certificates]
        ).values_list("object_id", flat=True)
    )
    rendered_twice = sum(1 for count in renders.values() if count > 1)
    on_disk = {
        str(path.relative_to(work / "media"))
        for path in (work / "media" / "certificates").glob("*.pdf")
    }
    referenced = set(
        Certificate.objects.exclude(pdf="").values_list("pdf", flat=True)
    )  # every certificate, the demo's too
    orphan_pdfs = len(on_disk - referenced)

    events = list(
        CertificateEvent.objects.filter(certificate__in=certificates).select_related(
            "certificate__holder_user"
        )
    )
    unnotified = sum(1 for e in events if e.notified_at is None)
    mail = "".join(
        path.read_text(errors="replace") for path in sorted((work / "mail").glob("*.log"))
    )
    mails_short = mails_over = 0
    for certificate in certificates:
        expected = sum(
            sum(1 for person in notifications._recipients(event) if person.email)
            for event in events
            if event.certificate_id == certificate.pk
        )
        sent = mail.count(str(certificate.public_id))
        mails_short += max(0, expected - sent)
        mails_over += max(0, sent - expected)

    messages = OutboxMessage.objects.filter(kind="cases.hand_off", created_at__gte=started_at)
    undelivered = messages.filter(delivered_at__isnull=True).count()
    failed = messages.filter(failed_at__isnull=False).count()
    notices = DepartmentNotice.objects.filter(message__in=messages).count()
    case_events = CaseEvent.objects.filter(
        case__number__in=approve + hand_off, at__gte=started_at
    ).annotate(n_notices=Count("notices"))
    case_events_total = case_events.count()
    # Routing steps tell the department, not the applicant.
    case_events_silent = case_events.filter(n_notices=0).exclude(action="route").count()
    duplicate_notices = (
        Notice.objects.filter(event__in=case_events)
        .values("recipient", "event")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    worker_logs = "".join(p.read_text(errors="replace") for p in work.glob("worker-*.log"))

    print()
    print(
        f"{args.cases} approvals + {args.cases} hand-offs through the API; worker SIGKILLed "
        f"{kills} times (every {args.kill_every} s); {sweeps} sweep rounds "
        f"(older_than {args.recover_after} s)"
    )
    print(f"requests: {dict(statuses)}")
    print(
        "lost by the kills, left to the sweeps: {} PDF renders, {} certificate "
        "notifications, {} hand-offs".format(*lost)
    )
    print(
        "all done "
        + (
            f"{recovered_in:.0f} s after the first sweep (the queue drained before it)"
            if recovered_in is not None
            else "NEVER"
        )
    )
    print(
        f"approved {approved}/{args.cases}; certificates {len(certificates)} "
        f"(cases with more than one: {sum(1 for n in per_case.values() if n > 1)}); "
        f"without PDF {without_pdf}; rendered twice {rendered_twice}; "
        f"PDF files left by killed renders (not referenced) {orphan_pdfs}"
    )
    print(
        f"certificate events {len(events)}: not notified {unnotified}; "
        f"e-mails missing {mails_short}, e-mails sent twice {mails_over}"
    )
    print(
        f"handed off {handed}/{args.cases}; outbox messages {messages.count()}: undelivered "
        f"{undelivered}, failed {failed}; department notices {notices}"
    )
    print(
        f"case notifications: "
        f"{case_events_silent} of {case_events_total} steps without an inbox notice; "
        f"duplicate notices {duplicate_notices}"
    )
    print(f"worker log lines with 'WorkerLostError': {worker_logs.count('WorkerLostError')}")
    passed = _infra.verdict(
        "worker_kill",
        {
            # A hand-off answers 404 though it succeeded: the API re-reads the case as the
            # reviewer, who no longer sees it (a bug of its own, reported; not this fault's).
            "every request answered 200": set(statuses) <= {"approve 200", "hand_off 200"},
            f"at least {args.kills} kills": kills >= args.kills,
            "every case approved, one certificate each": approved == args.cases
            and len(per_case) == args.cases
            and all(n == 1 for n in per_case.values()),
            "0 lost: every certificate has its PDF": without_pdf == 0,
            "0 duplicated: each PDF rendered once": rendered_twice == 0,
            "0 lost: every certificate event notified, every e-mail sent": unnotified == 0
            and mails_short == 0,
            "0 duplicated: no e-mail sent twice": mails_over == 0,
            "0 lost: every hand-off delivered": handed == args.cases
            and messages.count() == args.cases
            and undelivered == 0
            and failed == 0,
            "0 duplicated: one department notice per hand-off": notices == messages.count(),
            "0 lost: every step in the applicant's inbox": case_events_silent == 0,
            "0 duplicated: no case notice twice": duplicate_notices == 0,
        },
    )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
