"""Fault: Redis (the Celery broker and the cache) goes down. The web must stay up: pages and
reads are served, a reviewer's hand-off is accepted and its outbox message kept; an approval
issues its certificate. Once Redis is back (empty: nothing survived), the worker and the
sweeps deliver the hand-off and render the certificate's PDF.

One run, on a PostgreSQL and a Redis of its own (ports 55432 and 56379, started and removed
here): `migrate`, `seed_demo`, cases under review at 市场监管局 written in-process, gunicorn (2
workers) and one Celery worker. Redis is killed (SIGKILL, no persistence: as a crash), the
calls below are made, Redis is started again, and the periodic sweeps are sent as Celery beat
sends them, with older_than_seconds=--recover-after instead of the schedule's 120 s
(outbox) and 300 s (certificates).

Usage, from the repository root (as root, or as a user who may run initdb):

    .venv/bin/python benchmarks/faults/redis_down.py
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _infra  # the sibling helper module, found through the line above

SERVICE = "个体工商户设立登记"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recover-after", type=int, default=10, help="sweeps' older_than (s)")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up recovering after")
    return parser.parse_args()


def timed(label: str, call, results: dict) -> tuple[int, object]:
    started = time.perf_counter()
    try:
        status, body = call()
    except OSError as error:  # no answer at all
        status, body = 0, repr(error)
    results[label] = (status, (time.perf_counter() - started) * 1000)
    return status, body


def page(path: str):
    return lambda: _infra.request("GET", path, headers={"Accept-Language": "zh-hans"})


def calls(svc, citizen_token: str, reviewer_token: str, approve: str, hand_off: str) -> dict:
    """The same calls before, during and after the outage: label → (status, ms)."""
    results: dict = {}
    timed("GET / (home)", page("/"), results)
    timed("GET /services/ (catalogue)", page("/services/"), results)
    timed(f"GET /services/{svc.code}/ (guide)", page(f"/services/{svc.code}/"), results)
    timed("GET /accounts/sign-in/", page("/accounts/sign-in/"), results)
    timed("GET /healthz", page("/healthz"), results)
    timed(
        "GET /api/v1/cases/ (citizen)",
        lambda: _infra.api("GET", "/api/v1/cases/", token=citizen_token),
        results,
    )
    timed(
        "GET /api/v1/queue/ (reviewer)",
        lambda: _infra.api("GET", "/api/v1/queue/", token=reviewer_token),
        results,
    )
    timed(
        "POST /api/v1/auth/token/ (sign-in)",
        lambda: _infra.api(
            "POST",
            "/api/v1/auth/token/",
            data={"id_number": next(iter(_infra.CITIZENS)), "password": _infra.DEMO_PASSWORD},
        ),
        results,
    )

    def submit():
        status, body = _infra.api(
            "POST",
            "/api/v1/cases/",
            token=citizen_token,
            data={"matter": svc.code, "form": svc.forms[next(iter(_infra.CITIZENS))]},
        )
        if status != 201:
            return status, body
        number = body["number"]
        status, body = _infra.upload(
            number, key=svc.material_key, content=_infra.material_pdf(20_000), token=citizen_token
        )
        if status != 201:
            return status, body
        return _infra.transition(number, "submit", token=citizen_token)

    timed("case submission (create, upload, submit)", submit, results)
    timed(
        "POST transitions approve (issues a certificate)",
        lambda: _infra.transition(approve, "approve", token=reviewer_token, comment="准予办理。"),
        results,
    )
    timed(
        "POST transitions hand_off (outbox)",
        lambda: _infra.transition(
            hand_off,
            "hand_off",
            token=reviewer_token,
            department=_infra.GAJ,
            comment="不属于本部门职责",
        ),
        results,
    )
    return results


def main() -> None:
    args = parse_args()
    with (
        _infra.workdir("redis") as work,
        _infra.own_postgres(work) as postgres,
        _infra.own_redis(work) as redis_server,
    ):
        env = _infra.portal_env(
            database_url=postgres.url, redis_url=redis_server.url, media=work / "media"
        )
        _infra.log(
            f"migrate + seed_demo; the web and the worker on {env['DJANGO_SETTINGS_MODULE']}"
        )
        _infra.manage(env, "migrate", "--verbosity", "0")
        _infra.manage(env, "seed_demo", "--verbosity", "0")
        import django

        django.setup()
        from django.utils import timezone

        before_cases = _infra.seed_in_review(2, SERVICE)
        down_cases = _infra.seed_in_review(2, SERVICE)
        with (
            _infra.gunicorn(env, work),
            _infra.celery_workers(env, work, pool="prefork", concurrency=2) as workers,
        ):
            workers.start()
            svc = _infra.service()
            citizen_token = _infra.token(next(iter(_infra.CITIZENS)))
            reviewer_token = _infra.token(_infra.REVIEWER)

            _infra.log("Redis up")
            up = calls(svc, citizen_token, reviewer_token, *before_cases)

            _infra.log("Redis killed")
            redis_server.stop()
            down_at = timezone.now()
            down = calls(svc, citizen_token, reviewer_token, *down_cases)
            time.sleep(2)

            _infra.log("Redis started again (empty)")
            redis_server.start()
            back_at = time.monotonic()
            up_at = timezone.now()
            from cases.tasks import resend_lost_notifications, sweep_outbox
            from certificates.tasks import recover_certificates

            recovered_in = None
            restarts = 0
            while time.monotonic() - back_at < args.timeout:
                if workers.started[-1].poll() is not None:
                    # Celery's worker can exit on a lost broker connection (kombu's
                    # restore_unacked on a closed channel, celery/kombu#582); its supervisor
                    # starts it again (docker-compose.yml: restart: unless-stopped).
                    _infra.log("the worker exited; started again, as its supervisor would")
                    workers.start()
                    restarts += 1
                if recovered(down_cases, down_at):
                    recovered_in = time.monotonic() - back_at
                    break
                time.sleep(args.recover_after)
                # As beat would (it reconnects by itself; here the script is the beat).
                try:
                    sweep_outbox.delay(older_than_seconds=args.recover_after)
                    resend_lost_notifications.delay(older_than_seconds=args.recover_after)
                    recover_certificates.delay(older_than_seconds=args.recover_after)
                except Exception as error:  # the script's own connection still reconnecting
                    _infra.log(f"sweep not sent yet: {error!r}")
            after = calls(svc, citizen_token, reviewer_token, *_infra.seed_in_review(2, SERVICE))
            worker_alive = workers.started[-1].poll() is None
        report(
            up, down, after, down_cases, (down_at, up_at), recovered_in, worker_alive, restarts,
            work,
        )  # fmt: skip


def recovered(down_cases: list[str], down_at) -> bool:
    from cases.models import CaseEvent, OutboxMessage
    from certificates.models import Certificate, CertificateEvent

    return (
        not CaseEvent.objects.filter(notify_pending=True, at__gte=down_at).exists()
        and Certificate.objects.filter(source_reference=down_cases[0])
        .exclude(pdf_sha256="")
        .exists()
        and not CertificateEvent.objects.filter(
            certificate__source_reference=down_cases[0], notified_at__isnull=True
        ).exists()
        and OutboxMessage.objects.filter(created_at__gte=down_at).exists()
        and not OutboxMessage.objects.filter(
            created_at__gte=down_at, delivered_at__isnull=True
        ).exists()
    )


def report(up, down, after, down_cases, outage, recovered_in, worker_alive, restarts, work) -> None:
    from cases.constants import CaseState
    from cases.models import Case, CaseEvent, DepartmentNotice, OutboxMessage
    from certificates.models import Certificate

    print()
    print(f"{'call':52} {'Redis up':>14} {'Redis down':>14} {'back':>14}")
    for label in up:
        cells = [f"{r[label][0]} {r[label][1]:7.0f}ms" for r in (up, down, after)]
        print(f"{label:52} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14}")
    approve, hand_off = down_cases
    approved = Case.objects.filter(number=approve, state=CaseState.APPROVED).exists()
    certificate = Certificate.objects.filter(source_reference=approve).first()
    handed = Case.objects.get(number=hand_off)
    messages = OutboxMessage.objects.filter(created_at__range=outage, kind="cases.hand_off")
    silent = (
        CaseEvent.objects.filter(at__range=outage, case__number__in=down_cases)
        .filter(notices__isnull=True)
        .exclude(action="route")
        .count()
    )
    rendered = bool(
        certificate and Certificate.objects.filter(pk=certificate.pk).exclude(pdf_sha256="")
    )
    print()
    print(
        f"during the outage: case {approve} approved: {approved}; certificate "
        f"{certificate.identifier if certificate else None}; case {hand_off} now at "
        f"{handed.department.name}; outbox messages written: {messages.count()}"
    )
    print(
        "after Redis came back: "
        + (
            f"all delivered and rendered in {recovered_in:.0f} s"
            if recovered_in
            else "NOT recovered"
        )
        + f"; PDF rendered: {rendered}"
        + f"; hand-off messages delivered {messages.filter(delivered_at__isnull=False).count()}"
        + f"/{messages.count()}; department notices "
        f"{DepartmentNotice.objects.filter(message__in=messages).count()}"
    )
    print(f"case notifications of steps taken during the outage without an inbox notice: {silent}")
    web_errors = (work / "gunicorn.log").read_text(errors="replace").count("Traceback")
    print(
        f"tracebacks in gunicorn's log: {web_errors}; worker restarted by its supervisor: "
        f"{restarts} time(s); worker running at the end: {worker_alive}"
    )

    def ok(results, label, *statuses):
        return results[label][0] in statuses

    pages = [label for label in up if label.startswith("GET /") and "healthz" not in label]
    passed = _infra.verdict(
        "redis_down",
        {
            "everything works with Redis up": all(
                status in (200, 201, 404) for status, _ms in up.values()
            ),
            "pages and reads served while Redis is down": all(
                ok(down, label, 200) for label in pages
            ),
            "/healthz says the cache is unavailable (503) while it is down": ok(
                down, "GET /healthz", 503
            ),
            "sign-in works while Redis is down": ok(
                down, "POST /api/v1/auth/token/ (sign-in)", 200
            ),
            "a case can be submitted while Redis is down": ok(
                down, "case submission (create, upload, submit)", 200
            ),
            "an approval is accepted while Redis is down": ok(
                down, "POST transitions approve (issues a certificate)", 200
            )
            and approved,
            "a hand-off is accepted while Redis is down, its outbox row kept": ok(
                down, "POST transitions hand_off (outbox)", 200
            )
            and handed.department.credit_code == _infra.GAJ
            and messages.count() == 1,
            "after Redis is back: hand-off delivered once, PDF rendered, holder notified": bool(
                recovered_in
            ),
            "every step taken during the outage reached the applicant's inbox": silent == 0,
            "everything works again after": all(
                status in (200, 201, 404) for status, _ms in after.values()
            ),
            "a worker is running at the end (restarted by its supervisor if it exited)": (
                worker_alive
            ),
        },
    )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
