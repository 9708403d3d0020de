"""Catalogue search: server time (p50/p95) and SQL queries per search page.

Runs the real views in-process through Django's test client against the database named by
DATABASE_URL (SQLite by default), after making sure it holds at least N published
implementations (generate_benchmark_catalogue). Usage, from the repository root:

    .venv/bin/python benchmarks/catalogue_search.py [--count 10000] [--rounds 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \
        .venv/bin/python benchmarks/catalogue_search.py
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from matters.models import ImplementationVersion  # noqa: E402

QUERIES = {
    "chinese keyword 登记": {"q": "登记"},
    "two keywords 企业 许可": {"q": "企业 许可"},
    "pinyin initials qysl": {"q": "qysl"},
    "filter depth 4 + one visit": {"online_depth": "4", "at_most_one_visit": "true"},
    "keyword + department": {"q": "备案", "department": "11420500MB0000006G"},
}


def measure(client: Client, url: str, params: dict, rounds: int) -> tuple[float, float, int, int]:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, params, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    count = response.json()["count"] if url.startswith("/api/") else -1
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return statistics.median(timings), p95, len(queries), count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    have = ImplementationVersion.objects.filter(status="published").count()
    if have < args.count:
        call_command("generate_benchmark_catalogue", count=args.count - have, verbosity=0)
    if connection.vendor == "postgresql":  # as autovacuum would after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = ImplementationVersion.objects.filter(status="published").count()
    print(f"database: {connection.vendor}; published implementations: {total}")

    client = Client(HTTP_HOST="127.0.0.1")
    pages = [("API /api/v1/matters/", "/api/v1/matters/")]
    with contextlib.suppress(NoReverseMatch):  # the HTML page, once it exists
        pages.append(("HTML search page", reverse("matters:search")))
    for label, url in pages:
        print(f"\n{label}")
        print(f"{'query':32} {'p50 ms':>8} {'p95 ms':>8} {'SQL':>4} {'results':>8}")
        for name, params in QUERIES.items():
            p50, p95, sql, count = measure(client, url, params, args.rounds)
            shown = "" if count < 0 else str(count)
            print(f"{name:32} {p50:8.1f} {p95:8.1f} {sql:4d} {shown:>8}")


if __name__ == "__main__":
    main()
