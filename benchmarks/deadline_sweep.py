"""Deadline sweep at volume: wall time and peak memory of `sweep_deadlines` over N open cases
(default 1,000,000) on PostgreSQL, then of a second run that changes nothing.

The database named by DATABASE_URL is created, migrated and seeded (seed_demo) if needed,
then filled with bulk-inserted open cases over the demo catalogue (INSERT … SELECT FROM
generate_series) up to --cases: accepted and in review with deadlines from 20 days ago to
40 days ahead, some suspended, some waiting for a correction (with its request event), some
accepted with 容缺 materials still to come. Before the first measured run the cards are
emptied, so it raises every card from scratch. Each run is a fresh process (a clean peak
RSS); the notification of the cards is not part of the figure (--notify measures it too).

    createdb -h 127.0.0.1 -U postgres portal_bench_sweep
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_sweep \
        .venv/bin/python benchmarks/deadline_sweep.py [--cases 1000000] [--notify]
"""
# The bulk SQL is built from this script's own integers and column names only.
# ruff: noqa: S608, E501

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

from cases.models import Case, CaseEvent  # noqa: E402
from identity.constants import Role  # noqa: E402
from identity.models import Membership, User  # noqa: E402
from matters.models import ImplementationVersion  # noqa: E402

BATCH = 200_000
PREFIX = "SWEEP-"


def _literal(value: Any) -> str:
    with connection.cursor() as cursor:
        return cursor.mogrify("%s", [value]).decode()


def insert_select(model: type[models.Model], given: dict[str, str], source: str) -> int:
    """INSERT … SELECT with the given SQL expressions; every other column gets its Django
    default as a literal (or NULL), so columns added later need no change here."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in given:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.column in given:
            values.append(given[field.column])
        elif field.has_default():
            values.append(_literal(field.get_db_prep_save(field.get_default(), connection)))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        elif not field.null and field.empty_strings_allowed:
            values.append("''")
        else:
            values.append("NULL")
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def _array(ids: Any) -> str:
    return "(ARRAY[" + ",".join(str(int(i)) for i in ids) + "])"


def prepare() -> None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)
    if not ImplementationVersion.objects.exists():
        call_command("seed_demo")


def fill(target: int) -> None:
    have = Case.objects.filter(number__startswith=PREFIX).count()
    if have >= target:
        return
    versions = list(
        ImplementationVersion.objects.filter(status="published").values_list(
            "pk", "implementation__department_id", "implementation__region_id"
        )
    )
    applicants = list(User.objects.values_list("pk", flat=True)[:50])
    reviewers = (
        list(Membership.objects.filter(role=Role.REVIEWER).values_list("user_id", flat=True))
        or applicants[:1]
    )
    n_versions, n_applicants, n_reviewers = len(versions), len(applicants), len(reviewers)
    states = (
        "(ARRAY['in_review','in_review','in_review','in_review','in_review','in_review',"
        "'in_review','in_review','accepted','accepted','accepted','accepted','accepted',"
        "'accepted','accepted','suspended','suspended','correction_requested','submitted',"
        "'accepted'])"
    )
    start = have + 1
    while start <= target:
        end = min(target, start + BATCH - 1)
        # i picks the service, the applicant, the state and the deadline.
        source = f"""FROM (SELECT i,
              (i % {n_versions}) + 1 AS vi,
              (i % {n_applicants}) + 1 AS ai,
              (i % {n_reviewers}) + 1 AS ri,
              {states}[(i * 7 % 20) + 1] AS st,
              current_date + ((i * 7919 % 61) - 20)::int AS due
            FROM generate_series({start}::bigint, {end}::bigint) AS i) AS g"""
        clock = "st IN ('accepted','in_review','suspended')"
        insert_select(
            Case,
            {
                "number": f"'{PREFIX}' || lpad(i::text, 10, '0')",
                "version_id": f"{_array(v[0] for v in versions)}[vi]",
                "department_id": f"{_array(v[1] for v in versions)}[vi]",
                "region_id": f"{_array(v[2] for v in versions)}[vi]",
                "state": "st",
                "channel": "'online'",
                "applicant_id": f"{_array(applicants)}[ai]",
                "created_by_id": f"{_array(applicants)}[ai]",
                "submitted_at": "now() - interval '20 days'",
                "accepted_at": f"CASE WHEN {clock} THEN now() - interval '19 days' END",
                "deadline": f"CASE WHEN {clock} THEN due END",
                "suspended_since": "CASE WHEN st = 'suspended' THEN current_date - 3 END",
                "claimed_by_id": f"CASE WHEN st IN ('in_review','suspended') THEN {_array(reviewers)}[ri] END",
                # 容缺: one accepted case in 25 still waits for a material
                "deferred_materials": "CASE WHEN st = 'accepted' AND i % 25 = 0 THEN '[\"id_card\"]'::jsonb ELSE '[]'::jsonb END",
                "deferred_until": "CASE WHEN st = 'accepted' AND i % 25 = 0 THEN due - 10 END",
            },
            source,
        )
        start = end + 1
        print(f"  open cases: {end:,}", flush=True)
    insert_select(
        CaseEvent,
        {
            "case_id": "c.id",
            "action": "'request_correction'",
            "from_state": "'submitted'",
            "to_state": "'correction_requested'",
            "at": "now() - ((c.id % 30) || ' days')::interval",
            "comment": "'请补正材料'",
        },
        f"FROM cases_case c WHERE c.state = 'correction_requested' AND c.number LIKE '{PREFIX}%' "
        "AND NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id "
        "AND e.action = 'request_correction')",
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE cases_caseevent")


def _peak_rss_kib() -> int:
    """This process's own peak RSS: VmHWM (ru_maxrss also carries the parent's peak, which
    Linux keeps across fork/vfork and exec)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_once(notify: bool) -> dict[str, Any]:
    """One sweep in this process: its figures, and the peak resident memory."""
    from supervision import notifications, sweep

    before = _peak_rss_kib()
    report = sweep.sweep_deadlines()
    result: dict[str, Any] = {
        "seconds": round(report.seconds, 2),
        "raised": report.raised_total,
        "by_kind": {f"{k}:{c}": n for (k, c), n in sorted(report.raised.items())},
        "closed": report.closed,
    }
    if notify:
        started = time.monotonic()
        result["notified"] = notifications.cards_notify()
        result["notify_seconds"] = round(time.monotonic() - started, 2)
    result["rss_before_mib"] = round(before / 1024, 1)
    result["peak_rss_mib"] = round(_peak_rss_kib() / 1024, 1)
    return result


def measured_run(label: str, notify: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--run-once"] + (["--notify"] if notify else [])
    started = time.monotonic()
    output = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    wall = time.monotonic() - started
    result = json.loads(output.strip().splitlines()[-1])
    print(
        f"{label}: sweep {result['seconds']} s (process {wall:.1f} s), raised {result['raised']} "
        f"{result['by_kind']}, closed {result['closed']}, peak RSS {result['peak_rss_mib']} MiB "
        f"(after start-up {result['rss_before_mib']} MiB)"
        + (
            f", notified {result['notified']} cards in {result['notify_seconds']} s"
            if notify
            else ""
        ),
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--notify", action="store_true", help="also time the notification")
    parser.add_argument("--run-once", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database.")
    if options.run_once:
        print(json.dumps(run_once(options.notify)))
        return
    prepare()
    started = time.monotonic()
    fill(options.cases)
    print(f"open cases ready in {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE supervision_card")
        cursor.execute(
            "SELECT state, count(*) FROM cases_case WHERE number LIKE %s GROUP BY state "
            "ORDER BY state",
            [f"{PREFIX}%"],
        )
        print("cases by state:", dict(cursor.fetchall()), flush=True)
    connection.close()
    measured_run("first run", options.notify)
    measured_run("second run", options.notify)


if __name__ == "__main__":
    main()
