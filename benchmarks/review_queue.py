"""The reviewer's queue at 10,000 and at 1,000,000 cases (PostgreSQL): p50/p95 of the queue
page (HTML /cases/queue/ and API /api/v1/queue/) for a reviewer of a department holding a
tenth of the cases (100,000 of the million), as a ratio large/small (goal ≤ 1.2) and as a
ratio reviewer/superuser (goal ≤ 1.2); SQL queries per page; the query plans.

One run: a PostgreSQL database of its own (created here; refused when it exists; dropped at
the end unless --keep), `migrate`, `seed_demo`, then `generate_benchmark_cases` up to the
small size, measure, up to the large size, ANALYZE, measure. Requests go through Django's test
client in this process (the whole request: middleware, session, view, template), DEBUG off,
the local-memory cache; each scenario is requested --requests times after 10 warm-up calls.
The counts per state are kept 30 seconds by the portal: the "counts recomputed" scenario
clears the cache before every request to show their cost too.

Usage, from the repository root (about 10 minutes for a million cases on 2 cores):

    .venv/bin/python benchmarks/review_queue.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_c1bench
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on the path, where certificates.py would
# hide the certificates app.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.bulk import DEPARTMENT, grow_cases, manage  # noqa: E402 - after the path is set

REVIEWER = "420503199001010020"  # 钱进, its demo reviewer
SUPERUSER = "11010119900101004X"  # made for the run, no department role
GOAL = 1.2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://…/<new database>")
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--share", type=float, default=0.1, help="the department's share")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use an existing database")
    parser.add_argument("--explain", default="", help="write the query plans to this file")
    return parser.parse_args()


def _maintenance(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        sys.exit(f"give the benchmark database a plain name, not {name!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def _postgres(url: str, statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(call: Callable[[], Any], requests: int) -> tuple[float, float]:
    for _ in range(10):
        call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), percentile(times, 0.95)


def measure(requests: int) -> dict[str, Any]:
    """p50/p95 (ms) and SQL queries of each scenario, as the reviewer and the superuser."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case
    from identity.models import User

    reviewer = User.objects.get(id_number=REVIEWER)
    superuser = User.objects.filter(id_number=SUPERUSER).first()
    if superuser is None:
        superuser = User.objects.create_superuser(SUPERUSER, "基准超级用户")
    queue = Case.objects.filter(department__credit_code=DEPARTMENT, deadline__isnull=False)
    queue = queue.filter(state__in=["accepted", "in_review", "suspended", "consulting",
                                    "correction_requested"])  # fmt: skip
    size = queue.count()
    middle = queue.order_by("deadline", "id")[size // 2]
    deep = f"n{middle.deadline.isoformat()}.{middle.pk}"
    scenarios = {
        "HTML page 1": ("/cases/queue/", {}),
        "HTML page 1, counts recomputed": ("/cases/queue/", {"_cold": "1"}),
        "API page 1": ("/api/v1/queue/", {}),
        "API middle page (cursor)": ("/api/v1/queue/", {"cursor": deep}),
        "API claimed by me": ("/api/v1/queue/", {"claimed": "me"}),
        "API red cards": ("/api/v1/queue/", {"card": "red"}),
        "API in review": ("/api/v1/queue/", {"state": "in_review"}),
        "API search ID last 4": ("/api/v1/queue/", {"q": "0012"}),
    }
    results: dict[str, Any] = {"queue size": size}
    for who, user, extra in (
        ("reviewer", reviewer, {}),
        ("superuser", superuser, {"department": DEPARTMENT}),
    ):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, (path, query) in scenarios.items():
            cold = query.get("_cold")
            params = {**extra, **{k: v for k, v in query.items() if k != "_cold"}}

            def call(
                path: str = path, params: dict = params, cold: Any = cold, client: Any = client
            ) -> None:
                if cold:
                    cache.clear()
                response = client.get(path, params)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} {params}: {response.status_code}")

            p50, p95 = timed(call, requests)
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                call()
            results[(who, label)] = (p50, p95, len(queries))
    return results


def explain(path: Path) -> None:
    """The plans of the queue's page, deep page and counts queries (EXPLAIN ANALYZE)."""
    from django.db import connection
    from django.db.models import Count, F
    from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
    from django.utils import timezone

    from cases import selectors
    from cases.constants import QUEUE_STATES
    from identity.models import Organisation, User
    from matters import selectors as matter_selectors

    department = Organisation.objects.get(credit_code=DEPARTMENT)
    reviewer = User.objects.get(id_number=REVIEWER)
    calendar, today = matter_selectors.working_calendar(), timezone.localdate()
    cases = selectors.queue_for_department(
        department.pk, user=reviewer, calendar=calendar, today=today
    )
    middle = cases[cases.count() // 2]
    deep = cases.filter(
        TupleGreaterThan(Tuple(F("deadline"), F("id")), (middle.deadline, middle.pk))
    )
    mine = selectors.queue_for_department(
        department.pk, user=reviewer, filters=selectors.QueueFilter(claimed="me"),
        calendar=calendar, today=today,
    )  # fmt: skip
    counts = (
        cases.model.objects.filter(
            department_id=department.pk, state__in=QUEUE_STATES, deadline__isnull=False
        )
        .values("state")
        .order_by()
        .annotate(n=Count("id"))
    )
    with path.open("w") as out:
        for label, queryset in (
            ("page 1", cases[:21]),
            ("middle page", deep[:21]),
            ("claimed by me", mine[:21]),
            ("counts per state", counts),
        ):
            sql, params = queryset.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            out.write(f"-- {label}\n{plan}\n\n")


def report(small: dict[str, Any], large: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"\nQueue of {DEPARTMENT} ({args.share:.0%} of the cases):")
    print(f"  {args.small:>9,} cases: {small['queue size']:,} in the queue")
    print(f"  {args.large:>9,} cases: {large['queue size']:,} in the queue\n")
    labels = [key[1] for key in small if isinstance(key, tuple) and key[0] == "reviewer"]
    head = f"{'scenario':34} {'who':9} {'small p50/p95 ms':>17} {'large p50/p95 ms':>17}"
    print(head + f" {'large/small p50':>15} {'queries':>8}")
    for label in labels:
        for who in ("reviewer", "superuser"):
            s50, s95, _sq = small[(who, label)]
            l50, l95, lq = large[(who, label)]
            print(
                f"{label:34} {who:9} {s50:8.1f}/{s95:7.1f} {l50:8.1f}/{l95:7.1f}"
                f" {l50 / s50:15.2f} {lq:8d}"
            )
    print("\nGoals (≤ 1.2):")
    for label in ("HTML page 1", "API page 1"):
        ratio_size = large[("reviewer", label)][0] / small[("reviewer", label)][0]
        ratio_size95 = large[("reviewer", label)][1] / small[("reviewer", label)][1]
        ratio_user = large[("reviewer", label)][0] / large[("superuser", label)][0]
        print(
            f"  {label}: {args.large:,}/{args.small:,} p50 {ratio_size:.2f}, p95 "
            f"{ratio_size95:.2f}; reviewer/superuser at {args.large:,} p50 {ratio_user:.2f}"
        )


def main() -> None:
    args = parse_args()
    maintenance, name = _maintenance(args.database_url)
    if not args.reuse:
        import psycopg2

        try:
            _postgres(maintenance, f'CREATE DATABASE "{name}"')
        except psycopg2.errors.DuplicateDatabase:
            sys.exit(f"database {name!r} exists already (use --reuse to measure it again)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": args.database_url,
        "DJANGO_DEBUG": "False",
        "CELERY_TASK_ALWAYS_EAGER": "True",
        "REDIS_URL": "",
    }
    os.environ.update(env)
    try:
        started = time.perf_counter()
        if not args.reuse:
            manage("migrate", env=env)
            manage("seed_demo", env=env)
        print(f"database ready in {time.perf_counter() - started:.0f} s", flush=True)

        import django

        django.setup()

        def grow_to(total: int) -> None:
            seconds = grow_cases(total, env=env, department=DEPARTMENT, share=args.share)
            if seconds is not None:
                print(f"{total:,} cases ({seconds:.0f} s)", flush=True)

        grow_to(args.small)
        small = measure(args.requests)
        grow_to(args.large)
        large = measure(args.requests)
        report(small, large, args)
        if args.explain:
            explain(Path(args.explain))
            print(f"\nquery plans: {args.explain}")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            _postgres(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
