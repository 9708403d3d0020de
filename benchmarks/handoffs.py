"""Hand-offs (转办) through the transactional outbox with a live Celery worker on Redis and
PostgreSQL: enqueue-to-delivered latency (p50/p95/max) and delivery throughput.

One run: a PostgreSQL database of its own (the one named in --database-url, created here and
dropped afterwards; an existing one is refused, never reused), `migrate`, one department
with a reviewer, N cases under review written in bulk, and one Celery worker process
(`celery -A portal worker`, pool and concurrency from the options) on a Redis database of
the run's own (--redis-url; it must be empty). Then two phases, each hand-off written by
cases.handoffs.hand_off_enqueue in a transaction of its own, as a reviewer's hand-off does:

1. paced: --paced hand-offs at --rate per second (below the worker's capacity): the latency a
   department sees, from the message row's created_at (written before the commit) to its
   delivered_at (the worker's commit of the department's notice);
2. burst: --burst hand-offs as fast as one process writes them: throughput, from the first
   message written to the last one delivered, and the latency under that queue.

Delivery: one DepartmentNotice per message and an in-site notice to the department's
reviewer, as in production. Every message must end delivered exactly once (checked).

Usage, from the repository root:

    .venv/bin/python benchmarks/handoffs.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_handoffs \\
        --redis-url redis://127.0.0.1:6379/14
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Import the project from the repository root.
sys.path[0] = str(ROOT)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://…/<new database>")
    parser.add_argument("--redis-url", required=True, help="redis://…/<empty database>")
    parser.add_argument("--paced", type=int, default=300, help="hand-offs in the paced phase")
    parser.add_argument("--rate", type=float, default=20.0, help="paced hand-offs per second")
    parser.add_argument("--burst", type=int, default=2000, help="hand-offs in the burst phase")
    parser.add_argument("--pool", default="prefork", choices=["prefork", "solo", "threads"])
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes/threads")
    args = parser.parse_args()
    args.paced = max(10, min(args.paced, 5000))
    args.burst = max(10, min(args.burst, 20000))
    return args


# --- Setting up -----------------------------------------------------------------------------


def _postgres(url: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@contextlib.contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """The database named in the URL, created for this run and dropped afterwards."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url: a postgres:// URL")
    if not name or not name.replace("_", "").isalnum():
        sys.exit(f"give the benchmark database a plain name, not {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    import psycopg2

    try:
        _postgres(maintenance, f'CREATE DATABASE "{name}"')
    except psycopg2.errors.DuplicateDatabase:
        sys.exit(f"database {name!r} exists already: choose another name (it is not reused)")
    try:
        yield url
    finally:
        from django.db import connections

        connections.close_all()
        _postgres(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure(args: argparse.Namespace, database_url: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "DJANGO_DEBUG": "False",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    return {**os.environ, **env}


@contextlib.contextmanager
def worker(args: argparse.Namespace, env: dict[str, str], queue: str, log: Path) -> Iterator[None]:
    command = [
        sys.executable, "-m", "celery", "-A", "portal", "worker",
        "-Q", queue,
        f"--pool={args.pool}",
        f"--concurrency={args.concurrency}",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel=WARNING",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=-2)
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def setup_data(count: int):
    """A receiving department with a reviewer, and `count` cases under review elsewhere
    (written in bulk with the test factories: the delivery is what is measured)."""
    from cases.constants import CaseState, Channel
    from cases.models import Case
    from identity.constants import Role
    from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
    from tests.factories.matters import VersionFactory

    version = VersionFactory(name="基准事项")
    receiving = DepartmentFactory(name="宜昌市自然资源和规划局")
    MembershipFactory(role=Role.REVIEWER, organisation=receiving)
    applicant = UserFactory()
    cases = Case.objects.bulk_create(
        Case(
            number=f"420500-BENCH-{index:06d}",
            version=version,
            department=version.implementation.department,
            region=version.implementation.region,
            state=CaseState.IN_REVIEW,
            channel=Channel.ONLINE,
            applicant=applicant,
            created_by=applicant,
        )
        for index in range(count)
    )
    return cases, receiving


# --- Measuring ------------------------------------------------------------------------------


def hand_off(case, receiving) -> None:
    from django.db import transaction

    from cases import handoffs

    with transaction.atomic():
        handoffs.hand_off_enqueue(
            case=case,
            to_department=receiving,
            from_department=case.department,
            reason="不属于本部门职责",
        )


def wait_delivered(ids: list, timeout: float) -> None:
    from cases.models import OutboxMessage

    deadline = time.monotonic() + timeout
    while OutboxMessage.objects.filter(pk__in=ids, delivered_at__isnull=True).exists():
        if time.monotonic() > deadline:
            sys.exit("gave up waiting for the deliveries; see the worker log")
        time.sleep(0.1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, ids: list) -> None:
    from cases.models import OutboxMessage

    rows = list(OutboxMessage.objects.filter(pk__in=ids).values_list("created_at", "delivered_at"))
    latencies = [(delivered - created).total_seconds() * 1000 for created, delivered in rows]
    span = (max(d for _c, d in rows) - min(c for c, _d in rows)).total_seconds()
    print(
        f"{name:6} n={len(rows):5}  latency ms p50={statistics.median(latencies):7.1f} "
        f"p95={percentile(latencies, 0.95):7.1f} max={max(latencies):7.1f}  "
        f"throughput={len(rows) / span:6.1f}/s (first written → last delivered {span:.2f} s)"
    )


def main() -> None:
    args = parse_args()
    import redis

    broker = redis.Redis.from_url(args.redis_url)
    if broker.dbsize():
        sys.exit(f"{args.redis_url} is not empty: give the run a Redis database of its own")
    with fresh_database(args.database_url) as database_url:
        env = configure(args, database_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        import django

        django.setup()
        from django.conf import settings

        from cases.models import DepartmentNotice, OutboxMessage
        from portal.celery import app as celery_app

        queue = f"bench-handoffs-{uuid.uuid4().hex[:8]}"
        celery_app.conf.task_default_queue = queue
        cases, receiving = setup_data(1 + args.paced + args.burst)
        log = ROOT / "benchmarks" / "results" / "handoffs-worker.log"
        log.parent.mkdir(exist_ok=True)
        print(
            f"PostgreSQL + Redis, worker pool={args.pool} concurrency={args.concurrency}, "
            f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}"
        )
        try:
            with worker(args, env, queue, log):
                time.sleep(1)
                # Warm-up: the worker's first task loads the code and opens its connection.
                hand_off(cases[0], receiving)
                wait_delivered(list(OutboxMessage.objects.values_list("pk", flat=True)), 60)

                paced_cases, burst_cases = cases[1 : args.paced + 1], cases[args.paced + 1 :]
                before = set(OutboxMessage.objects.values_list("pk", flat=True))
                start = time.monotonic()
                for index, case in enumerate(paced_cases):
                    hand_off(case, receiving)
                    pause = start + (index + 1) / args.rate - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)
                paced = list(
                    OutboxMessage.objects.exclude(pk__in=before).values_list("pk", flat=True)
                )
                wait_delivered(paced, 120)

                before |= set(paced)
                for case in burst_cases:
                    hand_off(case, receiving)
                burst = list(
                    OutboxMessage.objects.exclude(pk__in=before).values_list("pk", flat=True)
                )
                wait_delivered(burst, 600)
        finally:
            broker.delete(queue)

        report("paced", paced)
        report("burst", burst)
        total = OutboxMessage.objects.count()
        once = (
            DepartmentNotice.objects.count() == total
            and not OutboxMessage.objects.exclude(attempts=1).exists()
        )
        print(
            f"{total} messages, {DepartmentNotice.objects.count()} department notices: "
            f"{'each delivered exactly once' if once else 'MISMATCH'}"
        )


if __name__ == "__main__":
    main()
