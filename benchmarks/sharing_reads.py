"""Shared data reads per second through the data API for a granted department key, as a ratio
to a hello-world Django view served by the same gunicorn on the same machine in the same run;
SQL queries per read (which must not depend on the subject or the fields read).

One run: a fresh database (a SQLite file in a temporary directory by default; with
--database-url postgres://… a database of that name, created here and dropped afterwards — an
existing one is refused, never reused), `migrate` and `seed_demo`, one API key for the demo
market regulator (宜昌市市场监督管理局, granted name, ID number, gender and address of 户籍信息 by
the 公安局), then gunicorn (sync workers) on a loopback port serving benchmarks.hello_urls
(the portal plus /bench/hello) with DEBUG off and the per-key throttles raised out of the way.

Load: a fixed number of client threads (http.client, loopback only) for a fixed time per phase:
1. hello-world: GET /bench/hello;
2. reads: GET /api/v1/sharing/data/hjxx/?subject=…&purpose=… with `Authorization: Api-Key`,
   the subject rotating over the three demo citizens. Every read is served (200), written to
   the access log and to the audit trail, as in production.
Then, in-process with Django's test client and CaptureQueriesContext: SQL queries of one read
for each demo citizen and for one, two and all granted fields, after a warm-up read.

Usage, from the repository root:

    .venv/bin/python benchmarks/sharing_reads.py
    .venv/bin/python benchmarks/sharing_reads.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_sharing
"""

import argparse
import contextlib
import io
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# Import the project from the repository root.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.case_submissions import (  # noqa: E402 - after the path is set
    HOST,
    SQLITE_OPTIONS,
    Tally,
    fresh_database,
    hello_once,
    load,
    percentile,
    request,
    serving,
    timed,
)

SUBJECTS = ["420502199003071234", "11010519491231002X", "420502195008080078"]
RESOURCE = "hjxx"
PURPOSE = "企业设立登记核验自然人股东身份"
MARKET_REGULATOR = "11420500MB0000006G"
UNTHROTTLED = "1000000/min"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument(
        "--sqlite-options",
        default=SQLITE_OPTIONS,
        help="query string of the SQLite URL (Django's OPTIONS); default: %(default)s",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="DATABASE_CONN_MAX_AGE for gunicorn (default: the portal's, 60)",
    )
    args = parser.parse_args()
    args.redis_url = ""  # serving() starts a Celery worker only with a broker: none needed
    args.duration = max(2.0, min(args.duration, 60.0))
    args.concurrency = max(1, min(args.concurrency, 64))
    return args


def configure(args: argparse.Namespace, database_url: str, workdir: Path) -> dict[str, str]:
    """The environment of this process (for the in-process part) and of gunicorn."""
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url,
        "PORTAL_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_ROOT_URLCONF": "benchmarks.hello_urls",
        "DJANGO_DEBUG": "False",
        "DJANGO_ENV": "development",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "REDIS_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "True",
        # The throttles would answer 429 long before the machine is busy.
        "PORTAL_API_KEY_THROTTLE": UNTHROTTLED,
        "PORTAL_SHARING_DATA_THROTTLE": UNTHROTTLED,
    }
    if args.conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.update(env)
    return {**os.environ, **env}


def demo_key() -> str:
    """A key of the market regulator's system, answered for by one of its reviewers."""
    from identity.models import Membership, Organisation
    from identity.services import api_key_create
    from sharing.constants import SHARING_ROLES

    department = Organisation.objects.get(credit_code=MARKET_REGULATOR)
    official = Membership.objects.filter(
        organisation=department, role__in=SHARING_ROLES, is_active=True
    ).first()
    if official is None:
        sys.exit("the demo market regulator has no reviewer to answer for a key")
    _key, secret = api_key_create(
        name="Benchmark", department=department, owner=official.user, created_by=None
    )
    return secret


def read_path(subject: str, fields: str = "") -> str:
    query = {"subject": subject, "purpose": PURPOSE, **({"fields": fields} if fields else {})}
    return f"/api/v1/sharing/data/{RESOURCE}/?{urlencode(query)}"


def reads_once(port: int, tally: Tally, worker: int, secret: Any) -> None:
    subject = SUBJECTS[(worker + len(tally.timings["read"])) % len(SUBJECTS)]
    headers = {"Authorization": f"Api-Key {secret}", "Accept": "application/json"}
    path = read_path(subject)
    timed(tally, "read", lambda: request("GET", path, port=port, headers=headers), 200)
    with tally.lock:
        tally.completed += 1


def queries_per_read(secret: str) -> dict[str, int]:
    """Queries of one read, per subject and per number of fields, after a warm-up read."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Api-Key {secret}")
    client.get(read_path(SUBJECTS[0]))
    cases = {f"subject {subject[:4]}…{subject[-4:]}": read_path(subject) for subject in SUBJECTS}
    cases.update(
        {
            "1 field": read_path(SUBJECTS[0], "name"),
            "2 fields": read_path(SUBJECTS[0], "name,address"),
            "all 4 granted fields": read_path(SUBJECTS[0], "name,id_number,gender,address"),
        }
    )
    counts = {}
    for label, path in cases.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (label, response.content[:300])
        counts[label] = len(queries)
    return counts


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-sharing-"))
    started = time.monotonic()
    failed = True
    try:
        with fresh_database(args.database_url, workdir, args.sqlite_options) as database_url:
            env = configure(args, database_url, workdir)
            import django

            django.setup()
            logging.disable(logging.INFO)
            from django.conf import settings
            from django.core.management import call_command
            from django.db import connection

            with contextlib.redirect_stdout(io.StringIO()):  # the demo's console e-mail
                call_command("migrate", verbosity=0)
                call_command("seed_demo", verbosity=0)
            secret = demo_key()
            connection.close()  # gunicorn's workers open their own
            setup_seconds = time.monotonic() - started
            with serving(args, env, workdir):
                hello = load(
                    hello_once, port=args.port, duration=args.duration, concurrency=args.concurrency
                )
                reads = load(
                    reads_once,
                    port=args.port,
                    duration=args.duration,
                    concurrency=args.concurrency,
                    plan=secret,
                )
            per_read = queries_per_read(secret)
            from sharing.models import DataRead

            logged = DataRead.objects.filter(outcome="served").count()
            connection.close()
            report(
                args=args,
                vendor=connection.vendor,
                conn_max_age=settings.DATABASES["default"]["CONN_MAX_AGE"],
                setup_seconds=setup_seconds,
                hello=hello,
                reads=reads,
                per_read=per_read,
                logged=logged,
                total_seconds=time.monotonic() - started,
            )
            failed = bool(hello[0].errors or reads[0].errors)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


def report(
    *,
    args: argparse.Namespace,
    vendor: str,
    conn_max_age: int,
    setup_seconds: float,
    hello: tuple[Tally, float, float],
    reads: tuple[Tally, float, float],
    per_read: dict[str, int],
    logged: int,
    total_seconds: float,
) -> None:
    (hello_tally, hello_seconds, hello_cpu), (read_tally, read_seconds, read_cpu) = hello, reads
    hello_rate = hello_tally.completed / hello_seconds
    read_rate = read_tally.completed / read_seconds
    print(
        f"database: {vendor}; gunicorn {args.workers} sync workers, DEBUG off, "
        f"CONN_MAX_AGE={conn_max_age}; {args.concurrency} client threads; "
        f"{args.duration:.0f} s per phase; {os.cpu_count()} CPUs shared by all"
    )
    if vendor == "sqlite" and not args.database_url:
        print(f"SQLite options: {args.sqlite_options or '(none)'}")
    print(f"setup (migrate + seed_demo) {setup_seconds:.0f} s")
    print()
    print(f"{'call':24} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for label, tally, seconds in (
        ("hello", hello_tally, hello_seconds),
        ("read", read_tally, read_seconds),
    ):
        timings = tally.timings[label]
        print(
            f"{label:24} {len(timings):7d} {len(timings) / seconds:8.1f} "
            f"{statistics.median(timings) if timings else 0:8.1f} "
            f"{percentile(timings, 0.95):8.1f} {len(tally.errors):7d}"
        )
    print()
    print(f"hello-world: {hello_rate:.1f} requests/s (client CPU {hello_cpu / hello_seconds:.0%})")
    print(f"reads: {read_rate:.1f} per s (client CPU {read_cpu / read_seconds:.0%})")
    ratio = read_rate / hello_rate if hello_rate else 0.0
    print(f"ratio reads/s ÷ hello-world/s: {ratio:.3f}")
    print(f"reads in the access log: {logged} (served during the run and the query count)")
    print()
    print("SQL queries per read (in-process, test client, after one warm-up read):")
    for label, count in per_read.items():
        print(f"  {label:24} {count:4d}")
    same = len(set(per_read.values())) == 1
    print(f"  {'constant' if same else 'NOT CONSTANT'}")
    for tally in (hello_tally, read_tally):
        for error in sorted(set(tally.errors))[:5]:
            print(f"error: {error}")
    print(f"\ntotal run time: {total_seconds:.0f} s")


if __name__ == "__main__":
    main()
