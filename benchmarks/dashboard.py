"""Supervision dashboard at volume: server time (p50/p95) and SQL queries of /supervision/
with N cases (default 1,000,000) on PostgreSQL.

Runs the real view in-process through Django's test client, signed in as the demo
supervisor, against the database named by DATABASE_URL. The database is created, migrated and
seeded (seed_demo) if needed, then filled with bulk-inserted cases over the demo catalogue
(INSERT … SELECT FROM generate_series: about a minute per million), each accepted case with its
acceptance event (by a window clerk or by the department), plus ratings, bad-rating follow-ups,
complaints and deadline cards in proportion. Usage, from the repository root:

    createdb -h 127.0.0.1 -U postgres portal_bench_dashboard
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_dashboard \
        .venv/bin/python benchmarks/dashboard.py [--cases 1000000] [--rounds 20] [--period-indexes]

Cases are only added up to --cases, so a second run measures at once. With
--period-indexes it first adds indexes on cases_case.accepted_at and decided_at (proposed for
the cases app), without it it drops them: run it both ways to see what they are worth.
"""
# The bulk SQL is built from this script's own integers and column names only.
# ruff: noqa: S608, E501

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

# The repository root instead of this folder, whose queue.py would shadow the standard
# library's queue module.
sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.models import Case, CaseEvent  # noqa: E402
from identity.constants import Role  # noqa: E402
from identity.models import Membership, User  # noqa: E402
from matters.models import ImplementationVersion  # noqa: E402
from supervision.models import Card, Complaint, Rating, RatingFollowUp  # noqa: E402

SUPERVISOR = "420505198503030046"  # 周正 in portal/demo.py
ENDED = ("delivered", "refused", "withdrawn")
BATCH = 200_000


def column_defaults(model: type[models.Model], given: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT expressions for an INSERT … SELECT: the given SQL expressions,
    each other column's Django default as a literal, or NULL. Fields other helpers add later
    are covered without touching this script."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in given:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in given:
            values.append(given[field.column])
        elif field.has_default():
            value = field.get_db_prep_save(field.get_default(), connection)
            values.append(_literal(value))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        elif not field.null and field.empty_strings_allowed:
            values.append("''")
        else:
            values.append("NULL")
    return ", ".join(columns), ", ".join(values)


def _literal(value: Any) -> str:
    with connection.cursor() as cursor:
        return cursor.mogrify("%s", [value]).decode()


def _array(ids: Any) -> str:
    return "(ARRAY[" + ",".join(str(int(i)) for i in ids) + "])"


def insert_select(model: type[models.Model], given: dict[str, str], source: str) -> int:
    columns, values = column_defaults(model, given)
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {values} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def fill_cases(target: int) -> None:
    have = Case.objects.count()
    if have >= target:
        return
    versions = list(
        ImplementationVersion.objects.filter(status="published").values_list(
            "pk", "implementation__department_id", "implementation__region_id"
        )
    )
    applicants = list(User.objects.values_list("pk", flat=True)[:50])
    clerks = (
        list(Membership.objects.filter(role=Role.CLERK).values_list("user_id", flat=True))
        or applicants[:1]
    )
    reviewers = (
        list(Membership.objects.filter(role=Role.REVIEWER).values_list("user_id", flat=True))
        or applicants[:1]
    )
    version_ids = _array(v[0] for v in versions)
    department_ids = _array(v[1] for v in versions)
    region_ids = _array(v[2] for v in versions)
    applicant_ids = _array(applicants)
    # Recent cases are anywhere in the flow; older ones have ended (a real year of cases:
    # the queues hold a few weeks' worth, not a year's).
    recent = (
        "(ARRAY['delivered','delivered','delivered','delivered','delivered','delivered',"
        "'delivered','result_issued','approved','denied','in_review','in_review','accepted',"
        "'submitted','correction_requested','suspended','refused','withdrawn','draft',"
        "'delivered'])"
    )
    ended = (
        "(ARRAY['delivered','delivered','delivered','delivered','delivered','delivered',"
        "'delivered','delivered','delivered','delivered','delivered','delivered','delivered',"
        "'delivered','delivered','delivered','refused','withdrawn','delivered','delivered'])"
    )
    n_versions, n_applicants = len(versions), len(applicants)
    start = have + 1
    while start <= target:
        end = min(target, start + BATCH - 1)
        # i picks the service, the applicant, the state and the dates; a year of cases.
        source = f"""FROM (SELECT i,
              (i % {n_versions}) + 1 AS vi,
              (i % {n_applicants}) + 1 AS ai,
              CASE WHEN i * 7919 % 525600 < 45 * 1440 THEN {recent}[(i * 7 % 20) + 1]
                   ELSE {ended}[(i * 7 % 20) + 1] END AS st,
              now() - ((i * 7919 % 525600) || ' minutes')::interval AS acc,
              (i * 31 % 15) AS took,
              (5 + i * 13 % 16) AS promised
            FROM generate_series({start}::bigint, {end}::bigint) AS i) AS g"""
        accepted = "st NOT IN ('draft','submitted','correction_requested','refused')"
        decided = "st IN ('approved','denied','result_issued','delivered')"
        insert_select(
            Case,
            {
                "number": "'BENCH-' || lpad(i::text, 10, '0')",
                "version_id": f"{version_ids}[vi]",
                "department_id": f"{department_ids}[vi]",
                "region_id": f"{region_ids}[vi]",
                "state": "st",
                "channel": "CASE WHEN i % 3 = 0 THEN 'counter' ELSE 'online' END",
                "applicant_id": f"{applicant_ids}[ai]",
                "created_by_id": f"{applicant_ids}[ai]",
                "created_at": "acc - interval '1 day'",
                "updated_at": "acc",
                "submitted_at": "CASE WHEN st <> 'draft' THEN acc - interval '1 hour' END",
                "accepted_at": f"CASE WHEN {accepted} THEN acc END",
                "deadline": f"CASE WHEN {accepted} THEN (acc + promised * interval '1 day')::date END",
                "decided_at": f"CASE WHEN {decided} THEN acc + took * interval '1 day' END",
                "delivered_at": "CASE WHEN st = 'delivered' THEN acc + (took + 1) * interval '1 day' END",
            },
            source,
        )
        start = end + 1
        print(f"  cases: {end:,}", flush=True)
    clerk_ids, reviewer_ids = _array(clerks), _array(reviewers)
    insert_select(
        CaseEvent,
        {
            "case_id": "c.id",
            "actor_id": f"CASE WHEN c.id % 4 = 0 THEN {reviewer_ids}[(c.id % {len(reviewers)}) + 1] "
            f"ELSE {clerk_ids}[(c.id % {len(clerks)}) + 1] END",
            "action": "'accept'",
            "from_state": "'submitted'",
            "to_state": "'accepted'",
            "at": "c.accepted_at",
        },
        "FROM cases_case c WHERE c.accepted_at IS NOT NULL AND c.number LIKE 'BENCH-%' "
        "AND NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id "
        "AND e.action = 'accept')",
    )
    fill_supervision()


def fill_supervision() -> None:
    """Ratings for one delivered case in ten (a bad one in ten of those, with its
    follow-up), complaints for one case in two hundred or so, cards for one case in fifty."""
    bench = "FROM cases_case c WHERE c.number LIKE 'BENCH-%'"
    insert_select(
        Rating,
        {
            "case_id": "c.id",
            "score": "1 + (c.id * 7 % 5)",
            "channel": "'web'",
            "applicant_id": "c.applicant_id",
            "implementation_id": "(SELECT implementation_id FROM matters_implementationversion v WHERE v.id = c.version_id)",
            "department_id": "c.department_id",
            "created_at": "c.delivered_at",
        },
        f"{bench} AND c.state = 'delivered' AND c.id % 10 = 0 "
        "AND NOT EXISTS (SELECT 1 FROM supervision_rating x WHERE x.case_id = c.id)",
    )
    insert_select(
        RatingFollowUp,
        {
            "rating_id": "r.id",
            "department_id": "r.department_id",
            "due": "(r.created_at + interval '21 days')::date",
            "created_at": "r.created_at",
            "updated_at": "r.created_at",
            "callback_at": "CASE WHEN r.id % 3 > 0 THEN r.created_at + interval '2 days' END",
            "rectification": "CASE WHEN r.id % 3 > 0 THEN '整改' ELSE '' END",
            "answer": "CASE WHEN r.id % 3 > 0 THEN '已整改' ELSE '' END",
            "closed_at": "CASE WHEN r.id % 3 > 0 THEN r.created_at + interval '5 days' END",
        },
        "FROM supervision_rating r WHERE r.score <= 2 "
        "AND NOT EXISTS (SELECT 1 FROM supervision_ratingfollowup x WHERE x.rating_id = r.id)",
    )
    insert_select(
        Complaint,
        {
            "number": "'BC' || lpad(c.id::text, 12, '0')",
            "channel": "'hotline'",
            "complainant_name": "'李四'",
            "complainant_phone": "'13800000000'",
            "subject": "'case'",
            "case_id": "c.id",
            "text": "'办理太慢'",
            "department_id": "c.department_id",
            "state": "CASE WHEN c.id % 3 = 0 THEN 'assigned' ELSE 'closed' END",
            "assign_due": "(c.accepted_at + interval '3 days')::date",
            "assigned_at": "c.accepted_at + interval '2 days'",
            "due": "(c.accepted_at + interval '12 days')::date",
            "answered_at": "CASE WHEN c.id % 3 > 0 THEN c.accepted_at + (c.id % 15) * interval '1 day' END",
            "created_at": "c.accepted_at + interval '1 day'",
            "updated_at": "c.accepted_at + interval '1 day'",
        },
        f"{bench} AND c.accepted_at IS NOT NULL AND c.id % 197 = 0 "
        "AND NOT EXISTS (SELECT 1 FROM supervision_complaint x WHERE x.case_id = c.id)",
    )
    insert_select(
        Card,
        {
            "kind": "'case_deadline'",
            "subject_id": "c.id::text",
            "colour": "CASE WHEN c.id % 100 = 0 THEN 'red' ELSE 'yellow' END",
            "case_id": "c.id",
            "department_id": "c.department_id",
            "due": "c.deadline",
            "raised_at": "c.deadline - interval '1 day'",
            "closed_at": "CASE WHEN c.decided_at IS NOT NULL THEN c.decided_at END",
        },
        f"{bench} AND c.deadline IS NOT NULL AND c.id % 50 = 0 "
        "AND NOT EXISTS (SELECT 1 FROM supervision_card x WHERE x.case_id = c.id)",
    )


def measure(
    client: Client, url: str, params: dict[str, str], rounds: int
) -> tuple[float, float, int]:
    def get() -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
        if response.streaming:  # a download is done when its last row is written
            b"".join(response.streaming_content)

    get()  # warm-up: caches, first plans
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        get()
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        get()
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--period-indexes",
        action="store_true",
        help="add indexes on cases_case.accepted_at and decided_at first (proposed for the "
        "cases app; the period filters of the dashboard use them)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figure is for PostgreSQL.")

    call_command("migrate", verbosity=0)
    if not User.objects.filter(id_number=SUPERVISOR).exists():
        call_command("seed_demo", verbosity=0)
    started = time.perf_counter()
    fill_cases(args.cases)
    with connection.cursor() as cursor:
        if args.period_indexes:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_case_accepted_idx ON cases_case (accepted_at)"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS bench_case_decided_idx ON cases_case (decided_at)"
            )
        else:
            cursor.execute("DROP INDEX IF EXISTS bench_case_accepted_idx")
            cursor.execute("DROP INDEX IF EXISTS bench_case_decided_idx")
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case WHERE state NOT IN %s", [ENDED])
        open_cases = cursor.fetchone()[0]
    print(
        f"database: PostgreSQL; cases: {Case.objects.count():,} ({open_cases:,} not ended; "
        f"period indexes: {'yes' if args.period_indexes else 'no'}); accept events: "
        f"{CaseEvent.objects.filter(action='accept').count():,}; ratings: "
        f"{Rating.objects.count():,}; complaints: {Complaint.objects.count():,}; cards: "
        f"{Card.objects.count():,} (filled in {time.perf_counter() - started:.0f} s)"
    )

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(id_number=SUPERVISOR))
    today = timezone.localdate()
    department = Case.objects.values_list("department__credit_code", flat=True).first()
    pages = {
        "dashboard, last 30 days": ("/supervision/", {}),
        "dashboard, last 365 days": (
            "/supervision/",
            {"since": (today - timedelta(days=364)).isoformat()},
        ),
        "dashboard, one department, 365 days": (
            "/supervision/",
            {
                "since": (today - timedelta(days=364)).isoformat(),
                "department": department,
            },
        ),
        "cases behind 'decided late', 365 days": (
            "/supervision/cases/",
            {"figure": "decided_late", "since": (today - timedelta(days=364)).isoformat()},
        ),
        "table download performance.csv, 365 days": (
            "/supervision/tables/performance.csv",
            {"since": (today - timedelta(days=364)).isoformat()},
        ),
    }
    print(f"\n{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4}")
    for label, (url, params) in pages.items():
        p50, p95, sql = measure(client, url, params, args.rounds)
        print(f"{label:44} {p50:8.1f} {p95:8.1f} {sql:4d}")


if __name__ == "__main__":
    main()
