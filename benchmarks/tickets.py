"""Queue tickets under 50 concurrent clients on PostgreSQL: tickets issued per second, calls
per second, and the count of duplicate or missing ticket numbers (must be 0).

One run: a fresh PostgreSQL database (created here from --database-url and dropped
afterwards; an existing one is refused, never reused), `migrate`, then a hall of 宜昌市 with
one window per client, each with a clerk of its own signed in. Every client is a thread with
its own database connection calling the services the API and the pages call
(windows.services), all released at the same moment by a barrier:

1. issue: each client takes --tickets-per-client tickets (kiosk channel) for a queue of the
   hall, --queues queues in turn (default 2: business registration and livelihood);
2. call: each client, at its own window, calls the next ticket and closes it (skip, the
   person did not come) until no ticket waits; a call counts when it returned a ticket.
Then the check, in SQL: per queue, numbers must run 1..N with N tickets (no gap, no
duplicate: the database's unique constraint would refuse one anyway), every ticket issued
exactly once, every ticket called exactly once (one "ticket called" audit event each, no
ticket left waiting).

Usage, from the repository root:

    .venv/bin/python benchmarks/tickets.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_tickets
"""

import argparse
import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Imports resolve from the repository root, not from benchmarks/ (whose script names, such
# as queue.py, would shadow the standard library's modules).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]

QUEUES = ["commercial", "livelihood", "investment", "public_resources"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="postgres://…/<new database>")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (threads)")
    parser.add_argument("--tickets-per-client", type=int, default=20)
    parser.add_argument("--queues", type=int, default=2, choices=range(1, len(QUEUES) + 1))
    args = parser.parse_args()
    args.clients = max(1, min(args.clients, 80))  # each holds a connection of its own
    args.tickets_per_client = max(1, min(args.tickets_per_client, 200))
    return args


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
def fresh_database(url: str) -> Iterator[None]:
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url: a postgres:// URL (the point is real concurrency)")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        sys.exit(f"give the benchmark database a plain name, not {name!r}")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    import psycopg2

    try:
        _postgres(maintenance, f'CREATE DATABASE "{name}"')
    except psycopg2.errors.DuplicateDatabase:
        sys.exit(f"database {name!r} exists already: choose another name (it is not reused)")
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        _postgres(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "False",
            "DJANGO_ENV": "development",
            "CELERY_TASK_ALWAYS_EAGER": "True",
            "REDIS_URL": "",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_hall(clients: int, queues: list[str]) -> tuple[object, list[tuple[object, object]]]:
    """A hall with one window per client (taking every benchmarked queue) and its clerk."""
    from identity.constants import OrganisationKind, RegionLevel, Role
    from identity.models import Membership, Organisation, Region, User
    from identity.validators import credit_code_check_char, id_number_check_char
    from windows import services
    from windows.models import Hall, Window

    region = Region.objects.create(code="420500000000", name="宜昌市", level=RegionLevel.CITY)
    first17 = "11420500MB0000001"
    centre = Organisation.objects.create(
        credit_code=first17 + credit_code_check_char(first17),
        name="宜昌市政务服务和大数据管理局",
        kind=OrganisationKind.DEPARTMENT,
        region=region,
    )
    hall = Hall.objects.create(
        name="宜昌市民之家",
        region=region,
        operator=centre,
        address="宜昌市西陵区沿江大道189号",
        opening_hours="周一至周五 9:00—17:00",
    )
    desks = []
    for index in range(clients):
        window = Window.objects.create(hall=hall, number=str(index + 1), categories=queues)
        first17 = f"420502198801{index % 28 + 1:02d}{index:03d}"
        clerk = User.objects.create_user(
            first17 + id_number_check_char(first17), f"窗口人员{index + 1}", None
        )
        Membership.objects.create(user=clerk, organisation=centre, role=Role.CLERK)
        services.window_sign_in(clerk=clerk, window=window)
        desks.append((window, clerk))
    return hall, desks


def run_at_once(work: list[Callable[[], int]]) -> tuple[float, list[int], list[str]]:
    """Run each callable in a thread of its own, released together; (seconds from release
    to the last one done, what each returned, the errors)."""
    from django.db import connection

    barrier = threading.Barrier(len(work) + 1)
    results = [0] * len(work)
    errors: list[str] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work[index]()
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(work))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results, errors


def main() -> None:
    args = parse_args()
    queues = QUEUES[: args.queues]
    with fresh_database(args.database_url):
        setup_django(args.database_url)
        from django.db import connection
        from django.db.models import Count, Max

        from identity.models import AuditEvent
        from windows import services
        from windows.constants import TicketChannel, TicketState, WindowAction
        from windows.models import Ticket

        hall, desks = build_hall(args.clients, queues)
        connection.close()

        def issuer(index: int) -> Callable[[], int]:
            def issue() -> int:
                for n in range(args.tickets_per_client):
                    category = queues[(index + n) % len(queues)]
                    services.ticket_issue(hall=hall, category=category, channel=TicketChannel.KIOSK)
                return args.tickets_per_client

            return issue

        def caller(window: object, clerk: object) -> Callable[[], int]:
            def call() -> int:
                calls = 0
                while True:
                    ticket = services.ticket_call_next(window=window, clerk=clerk)
                    if ticket is None:
                        return calls
                    calls += 1
                    services.ticket_skip(ticket=ticket, clerk=clerk)

            return call

        issue_seconds, issued, issue_errors = run_at_once(
            [issuer(index) for index in range(args.clients)]
        )
        call_seconds, called, call_errors = run_at_once(
            [caller(window, clerk) for window, clerk in desks]
        )

        expected = args.clients * args.tickets_per_client
        per_queue = Ticket.objects.values("category").annotate(n=Count("id"), top=Max("number"))
        missing = duplicates = 0
        for row in per_queue:
            numbers = list(
                Ticket.objects.filter(category=row["category"]).values_list("number", flat=True)
            )
            missing += len(set(range(1, row["top"] + 1)) - set(numbers))
            duplicates += len(numbers) - len(set(numbers))
        total = Ticket.objects.count()
        calls_logged = (
            AuditEvent.objects.filter(action=WindowAction.CALL)
            .values("object_id")
            .annotate(n=Count("id"))
        )
        called_twice = sum(1 for row in calls_logged if row["n"] > 1)
        left_waiting = Ticket.objects.filter(state=TicketState.WAITING).count()

    print(f"clients: {args.clients} threads, one PostgreSQL connection each")
    print(f"queues: {', '.join(queues)}; tickets per client: {args.tickets_per_client}")
    print(
        f"issue: {sum(issued)} tickets in {issue_seconds:.2f} s = "
        f"{sum(issued) / issue_seconds:.0f} tickets/s; errors: {len(issue_errors)}"
    )
    print(
        f"call:  {sum(called)} calls (call next + skip) in {call_seconds:.2f} s = "
        f"{sum(called) / call_seconds:.0f} calls/s; errors: {len(call_errors)}"
    )
    print(f"tickets in the database: {total} (expected {expected})")
    print(f"duplicate numbers: {duplicates}; missing numbers: {missing}")
    print(f"tickets called twice: {called_twice}; tickets left waiting: {left_waiting}")
    for error in (issue_errors + call_errors)[:5]:
        print("error:", error)
    bad = (
        duplicates
        or missing
        or called_twice
        or left_waiting
        or issue_errors
        or call_errors
        or total != expected
        or sum(called) != expected
    )
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
