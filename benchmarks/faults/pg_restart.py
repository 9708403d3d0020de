"""Fault: PostgreSQL restarts (`pg_ctl restart -m fast`) under load. Requests during the
outage must fail cleanly (a 5xx, never a hang or a half-written case), and requests succeed
again once it is back.

One run, on a PostgreSQL and a Redis of its own (ports 55432 and 56379, started and removed
here): `migrate`, `seed_demo`, gunicorn (2 sync workers) and one Celery worker. --clients
client threads, as the three demo citizens with their API tokens, loop for --duration
seconds over: a read (`GET /api/v1/cases/`), a page (`GET /services/`) and a submission
(`POST /api/v1/cases/` draft, `POST …/materials/` 20 KB PDF, `POST …/transitions/` submit).
PostgreSQL is restarted --restart-at seconds in.

Then every case of the citizens is checked: a number, a state its events lead to (a submitted
case has exactly one submit event and its submitted_at; a draft none), every material row has
its whole file; files without a row are counted; the audit chain is verified.

Usage, from the repository root (as root, or as a user who may run initdb):

    .venv/bin/python benchmarks/faults/pg_restart.py [--conn-max-age 0] [--no-health-checks]
"""

import argparse
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _infra  # the sibling helper module, found through the line above


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=40.0, help="seconds of load")
    parser.add_argument("--restart-at", type=float, default=12.0, help="seconds into the load")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE (the portal's: 60)"
    )
    parser.add_argument(
        "--no-health-checks",
        dest="health_checks",
        action="store_false",
        help="conn_health_checks=False in DATABASE_URL (the portal checks by default)",
    )
    return parser.parse_args()


@dataclass
class Call:
    label: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer (connection refused, reset, timeout)


@dataclass
class Load:
    calls: list[Call] = field(default_factory=list)
    numbers: set[str] = field(default_factory=set)
    failed_submissions: set[str] = field(default_factory=set)  # draft made, a later step failed
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, started: float, status: int) -> None:
        with self.lock:
            self.calls.append(Call(label, started, time.monotonic(), status))


def client(index: int, svc, tokens: dict[str, str], load: Load, until: float) -> None:
    id_number = list(_infra.CITIZENS)[index % len(_infra.CITIZENS)]
    token = tokens[id_number]
    pdf = _infra.material_pdf(20_000)

    def call(label: str, function) -> tuple[int, object]:
        started = time.monotonic()
        try:
            status, body = function()
        except OSError:
            status, body = 0, None
        load.record(label, started, status)
        return status, body

    while time.monotonic() < until:
        call("read GET /api/v1/cases/", lambda: _infra.api("GET", "/api/v1/cases/", token=token))
        call("page GET /services/", lambda: _infra.request("GET", "/services/"))
        status, body = call(
            "submit 1 create",
            lambda: _infra.api(
                "POST",
                "/api/v1/cases/",
                token=token,
                data={"matter": svc.code, "form": svc.forms[id_number]},
            ),
        )
        if status != 201:
            continue
        number = body["number"]
        with load.lock:
            load.numbers.add(number)
        status, _ = call(
            "submit 2 upload",
            lambda number=number: _infra.upload(
                number, key=svc.material_key, content=pdf, token=token
            ),
        )
        if status == 201:
            status, _ = call(
                "submit 3 submit",
                lambda number=number: _infra.transition(number, "submit", token=token),
            )
        if status not in (200, 201):
            with load.lock:
                load.failed_submissions.add(number)


def main() -> None:
    args = parse_args()
    with (
        _infra.workdir("pg") as work,
        _infra.own_postgres(work) as postgres,
        _infra.own_redis(work) as redis_server,
    ):
        url = postgres.url + ("" if args.health_checks else "?conn_health_checks=False")
        env = _infra.portal_env(
            database_url=url,
            redis_url=redis_server.url,
            media=work / "media",
            conn_max_age=args.conn_max_age,
        )
        _infra.log("migrate + seed_demo")
        _infra.manage(env, "migrate", "--verbosity", "0")
        _infra.manage(env, "seed_demo", "--verbosity", "0")
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        started_at = timezone.now()
        connection.close()
        load = Load()
        with (
            _infra.gunicorn(env, work),
            _infra.celery_workers(env, work, pool="prefork", concurrency=2) as workers,
        ):
            workers.start()
            svc = _infra.service()
            tokens = {id_number: _infra.token(id_number) for id_number in _infra.CITIZENS}
            begin = time.monotonic()
            until = begin + args.duration
            threads = [
                threading.Thread(target=client, args=(i, svc, tokens, load, until))
                for i in range(args.clients)
            ]
            _infra.log(f"load: {args.clients} clients for {args.duration:.0f} s")
            for thread in threads:
                thread.start()
            time.sleep(args.restart_at)
            _infra.log("pg_ctl restart -m fast")
            down = time.monotonic()
            postgres.restart("fast")
            up = time.monotonic()
            _infra.log(f"PostgreSQL back after {up - down:.2f} s")
            for thread in threads:
                thread.join()
            time.sleep(3)  # the worker finishes the last notifications
            worker_alive = workers.started[-1].poll() is None
        audit = subprocess.run(
            [sys.executable, "manage.py", "audit_verify"],
            cwd=_infra.ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        report(args, load, begin, down, up, started_at, audit, worker_alive, work)


def phase(call: Call, down: float, up: float) -> str:
    if call.ended < down:
        return "before"
    if call.started > up:
        return "after"
    return "during"


def report(args, load, begin, down, up, started_at, audit, worker_alive, work) -> None:
    from django.db.models import Count, Q

    from cases.constants import Action, CaseState
    from cases.models import Case, CaseMaterial

    table: dict[str, Counter] = {name: Counter() for name in ("before", "during", "after")}
    for call in load.calls:
        status = call.status
        kind = (
            "ok" if 200 <= status < 300 else "5xx" if status >= 500 else f"{status or 'no answer'}"
        )
        table[phase(call, down, up)][kind] += 1
    after_calls = sorted((c for c in load.calls if c.started > up), key=lambda c: c.started)
    first_ok = next((c for c in after_calls if 200 <= c.status < 300), None)
    failed_after = [c for c in after_calls if not 200 <= c.status < 300]
    slowest_during = max(
        (c.ended - c.started for c in load.calls if phase(c, down, up) == "during"), default=0
    )

    cases = Case.objects.filter(created_at__gte=started_at).annotate(
        submits=Count("events", filter=Q(events__action=Action.SUBMIT))
    )
    inconsistent = []
    for case in cases.prefetch_related("events"):
        events = sorted(case.events.all(), key=lambda e: (e.at, e.pk))
        last_state = events[-1].to_state if events else CaseState.DRAFT
        if not case.number or last_state != case.state:
            inconsistent.append((case.number, "state/events"))
        elif case.state == CaseState.SUBMITTED and (case.submits != 1 or not case.submitted_at):
            inconsistent.append((case.number, "submitted without its one event"))
        elif case.state == CaseState.DRAFT and (case.submits or case.submitted_at):
            inconsistent.append((case.number, "draft with a submission"))
    numbers = list(cases.values_list("number", flat=True))
    duplicate_numbers = len(numbers) - len(set(numbers))
    unknown = load.numbers - set(numbers)
    media = work / "media"
    materials = list(CaseMaterial.objects.filter(case__in=cases))
    broken_materials = sum(
        1
        for m in materials
        if not (media / m.file.name).exists() or (media / m.file.name).stat().st_size != m.size
    )
    referenced = set(CaseMaterial.objects.values_list("file", flat=True))
    orphan_files = [
        p
        for p in (media / "cases").rglob("*")
        if p.is_file() and str(p.relative_to(media)) not in referenced
    ]
    states = Counter(cases.values_list("state", flat=True))
    failed_submissions = Counter(
        Case.objects.filter(number__in=load.failed_submissions).values_list("state", flat=True)
    )

    print()
    print(
        f"{args.clients} clients, {args.duration:.0f} s; CONN_MAX_AGE={args.conn_max_age}, "
        f"CONN_HEALTH_CHECKS={args.health_checks}; PostgreSQL restarted at "
        f"{down - begin:.1f} s, down {up - down:.2f} s (pg_ctl restart -m fast)"
    )
    print(f"{'phase':8} {'ok':>6} {'5xx':>6} other")
    for name, counts in table.items():
        other = {k: v for k, v in counts.items() if k not in ("ok", "5xx")}
        print(f"{name:8} {counts['ok']:6} {counts['5xx']:6} {other or ''}")
    print(f"slowest call overlapping the restart: {slowest_during * 1000:.0f} ms")
    print(
        "first success after the restart: "
        + (f"{(first_ok.ended - up) * 1000:.0f} ms after it" if first_ok else "NONE")
        + f"; failures after it: {len(failed_after)}"
        + (f" (last {failed_after[-1].ended - up:.2f} s after)" if failed_after else "")
    )
    print(
        f"cases written: {len(numbers)} {dict(states)}; inconsistent: {len(inconsistent)} "
        f"{inconsistent[:5]}; duplicate numbers: {duplicate_numbers}; "
        f"numbers answered but not stored: {len(unknown)}"
    )
    print(
        f"submissions whose later step failed, by the state they are in: {dict(failed_submissions)}"
    )
    print(
        f"materials: {len(materials)} rows, {broken_materials} without their whole file; "
        f"files without a row (uploads rolled back after the file was written): {len(orphan_files)}"
    )
    print(f"audit_verify: {audit.stdout.strip() or audit.stderr.strip()[-300:]}")
    web_log = (work / "gunicorn.log").read_text(errors="replace")
    print(
        f"gunicorn log: {web_log.count('Traceback')} tracebacks; "
        f"worker alive at the end: {worker_alive}"
    )
    passed = _infra.verdict(
        "pg_restart",
        {
            "no errors before the restart": set(table["before"]) <= {"ok"},
            "failures during the restart are 5xx or refused connections, no hang > 30 s": set(
                table["during"]
            )
            <= {"ok", "5xx", "no answer"}
            and slowest_during < 30,
            "requests succeed again after the restart": first_ok is not None
            and table["after"]["ok"] > 0,
            "no failures once PostgreSQL is back (beyond the first second)": all(
                c.ended - up < 1.0 for c in failed_after
            ),
            "every case consistent (number, state, events, submitted_at)": not inconsistent
            and not duplicate_numbers
            and not unknown,
            "every material row has its whole file": broken_materials == 0,
            "audit chain intact": audit.returncode == 0,
        },
    )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
