"""Load test: a realistic mix of the portal's traffic against gunicorn + PostgreSQL + Redis + a
Celery worker, with --cases cases in the database; per endpoint the throughput and
p50/p95/p99 as ratios to a hello-world view served by the same gunicorn in the same run, the
errors (there must be none) and the CPU time and peak memory of every process.

One run:
1. a PostgreSQL database of its own (the name must start with `bench_load`; created here,
   refused when it exists, dropped at the end unless --keep; --reuse measures a kept one
   again), `migrate`, `seed_demo`, then
   `generate_benchmark_cases` up to --cases (benchmarks/bulk.py: a tenth of them in the demo's
   市场监督管理局) and ANALYZE;
2. the Redis database of --redis-url (broker and cache) is emptied — give the run one of its
   own: 11 for the full run, 12 for the smoke run; database 0 is refused;
3. gunicorn (sync workers, DEBUG off, persistent database connections so that the PostgreSQL
   backends can be measured) serving benchmarks.hello_urls, and a Celery worker (pool solo);
4. client threads (http.client, loopback only), --duration seconds per phase:
   - phase 1, hello-world: GET /bench/hello;
   - phase 2, the mix: each thread picks its next step at random, by weight (MIX):
     anonymous catalogue search (HTML and API) and service guides (HTML and API); citizens
     (the demo's, with their API tokens) creating a draft, uploading a 100 KB PDF and
     submitting it; reviewers of 市场监督管理局 (API tokens made for the run) reading page 1
     of their queue, then claiming and approving an accepted case of it (each thread has its
     own cases, so two threads never race for one; an approval may issue a certificate,
     rendered by the Celery worker); anonymous certificate verification (/verify/{code} and
     /api/v1/verify/{code}, the verification throttle lifted);
5. the Celery queue is drained; the server and worker logs are searched for errors.

Every response is checked for its expected status (and a 5xx or any other status is an
error); the run exits with 1 when there was any error, in a phase or in the logs.

CPU seconds per phase and peak RSS (VmHWM) are read from /proc for gunicorn's master and
workers, the Celery worker, the PostgreSQL backends of the run's database (their RSS counts
the shared buffers they touched) and this client; the machine's CPU use over the phase is
shown beside them (other people's work on a shared machine counts too).

Usage, from the repository root (`make load`, `make load-smoke`):

    .venv/bin/python benchmarks/load.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_load \\
        --redis-url redis://127.0.0.1:6379/11
    .venv/bin/python benchmarks/load.py --smoke \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_load_smoke \\
        --redis-url redis://127.0.0.1:6379/12
"""

import argparse
import contextlib
import io
import json
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on the path, where certificates.py would
# hide the certificates app.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.bulk import DEPARTMENT, grow_cases  # noqa: E402 - after the path is set
from benchmarks.case_submissions import (  # noqa: E402
    CITIZENS,
    HOST,
    Plan,
    _maintenance_dsn,
    _postgres,
    multipart,
    percentile,
    plan,
    request,
)

PREFIX = "bench_load"
# (step, weight): what a thread does next. Reads dominate, as on a working portal.
MIX = [
    ("catalogue search", 20),
    ("catalogue search API", 10),
    ("guide", 15),
    ("guide API", 10),
    ("verify", 10),
    ("verify API", 10),
    ("application", 12),
    ("review", 13),
]
SEARCHES = ["登记", "企业 许可", "qysl", "备案", "社保", "户口"]
SMOKE = {"cases": 2000, "duration": 10.0, "concurrency": 4}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- Setting up -----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=f"postgres://postgres@127.0.0.1:5432/{PREFIX}",
        help=f"postgres://…/<new database, name starting with {PREFIX}>",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the database")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--conn-max-age", type=int, default=60, help="DATABASE_CONN_MAX_AGE")
    parser.add_argument("--seed", type=int, default=20261204, help="of the mix's choices")
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (and its media) afterwards"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by --keep (not dropped)"
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help=f"CI's short run: {SMOKE['cases']} cases, {SMOKE['duration']:.0f} s per phase, "
        f"{SMOKE['concurrency']} threads (overrides those three)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.cases, args.duration, args.concurrency = (
            SMOKE["cases"],
            SMOKE["duration"],
            SMOKE["concurrency"],
        )
    args.duration = max(2.0, min(args.duration, 600.0))  # bounded in time
    args.concurrency = max(1, min(args.concurrency, 64))
    args.cases = max(0, min(args.cases, 5_000_000))
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url: a postgres:// URL")
    if not _maintenance_dsn(args.database_url)[1].startswith(PREFIX):
        sys.exit(f"--database-url: the database's name must start with {PREFIX!r}")
    redis_db = urlsplit(args.redis_url).path.lstrip("/") or "0"
    if not args.redis_url.startswith("redis://") or redis_db == "0":
        sys.exit("--redis-url: redis://host:port/<n>, a database of the run's own (not 0)")
    return args


@contextlib.contextmanager
def fresh_database(url: str, keep: bool, reuse: bool) -> Iterator[None]:
    import psycopg2

    maintenance, name = _maintenance_dsn(url)
    if not reuse:
        try:
            _postgres(maintenance, f'CREATE DATABASE "{name}"')
        except psycopg2.errors.DuplicateDatabase:
            sys.exit(f"database {name!r} exists already: choose another name (or --reuse)")
    try:
        yield
    finally:
        if keep or reuse:
            print(f"database {name!r} kept")
        else:
            from django.db import connections

            connections.close_all()
            _postgres(maintenance, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def media_root(args: argparse.Namespace, workdir: Path) -> Path:
    """The uploads and PDFs: kept beside a kept database (verification hashes the PDFs)."""
    if args.keep or args.reuse:
        return ROOT / "benchmarks" / "results" / f"media-{_maintenance_dsn(args.database_url)[1]}"
    return workdir / "media"


def configure(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": args.database_url,
        "DATABASE_CONN_MAX_AGE": str(args.conn_max_age),
        "PORTAL_MEDIA_ROOT": str(media_root(args, workdir)),
        "DJANGO_ROOT_URLCONF": "benchmarks.hello_urls",
        "DJANGO_DEBUG": "False",
        "DJANGO_ENV": "development",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "REDIS_URL": args.redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "PORTAL_AUTH_THROTTLE": "100/min",  # the demo citizens' tokens are fetched at once
        "PORTAL_VERIFY_THROTTLE": "1000000/min",  # measured, not throttled
    }
    os.environ.update(env)
    return {**os.environ, **env}


def empty_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


@dataclass
class World:
    """What the mix needs from the database, found in-process before the load."""

    citizens: Plan
    guides: list[str]
    verify_codes: list[str]
    reviewer_tokens: list[str]
    to_review: list[list[str]]  # per client thread: accepted cases nobody has claimed
    cases: int = 0
    queue: int = 0


def prepare(args: argparse.Namespace, citizens: Plan) -> World:
    from django.db import connection
    from knox.models import AuthToken

    from cases.constants import QUEUE_STATES, CaseState
    from cases.models import Case
    from certificates.models import Certificate
    from identity.constants import Role
    from identity.models import Membership
    from matters import selectors as matter_selectors

    guides = sorted({v.implementation.code for v in matter_selectors.published_versions()})
    verify_codes = list(
        Certificate.objects.filter(state="issued")
        .exclude(pdf_sha256="")
        .values_list("verify_code", flat=True)[:5]
    )
    if not verify_codes:
        sys.exit("the demo made no rendered certificate to verify")
    reviewers = Membership.objects.filter(
        organisation__credit_code=DEPARTMENT, role=Role.REVIEWER, is_active=True
    ).select_related("user")
    tokens = [AuthToken.objects.create(user=m.user)[1] for m in reviewers]
    if not tokens:
        sys.exit(f"{DEPARTMENT} has no reviewer")
    department_cases = Case.objects.filter(department__credit_code=DEPARTMENT)
    accepted = list(
        department_cases.filter(
            state=CaseState.ACCEPTED,
            claimed_by__isnull=True,
            deadline__isnull=False,
            bundle__isnull=True,  # a 一件事 is decided through its parts
            parent__isnull=True,
        )
        .order_by("deadline", "id")
        .values_list("number", flat=True)[:20_000]
    )
    to_review: list[list[str]] = [[] for _ in range(args.concurrency)]
    for index, number in enumerate(accepted):
        to_review[index % args.concurrency].append(number)
    world = World(
        citizens=citizens,
        guides=guides,
        verify_codes=verify_codes,
        reviewer_tokens=tokens,
        to_review=to_review,
        cases=Case.objects.count(),
        queue=department_cases.filter(state__in=QUEUE_STATES, deadline__isnull=False).count(),
    )
    connection.close()  # idle during the load
    return world


# --- Processes ----------------------------------------------------------------------------


@dataclass
class Servers:
    gunicorn: subprocess.Popen
    celery: subprocess.Popen
    log: Path


@contextlib.contextmanager
def serving(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Iterator[Servers]:
    bin_dir = Path(sys.executable).parent
    log = workdir / "servers.log"
    out = log.open("wb")
    gunicorn = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"), "portal.wsgi:application",
            "--bind", f"{HOST}:{args.port}",
            "--workers", str(args.workers),
            "--worker-class", "sync",
            "--log-level", "warning",
        ],
        cwd=ROOT, env=env, stdout=out, stderr=out,
    )  # fmt: skip
    celery = subprocess.Popen(
        [
            str(bin_dir / "celery"), "-A", "portal", "worker",
            "--pool", "solo",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-l", "warning",
        ],
        cwd=ROOT, env=env, stdout=out, stderr=out,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if request("GET", "/healthz", port=args.port)[0] == 200:
                    break
            if time.monotonic() > deadline or gunicorn.poll() is not None:
                sys.exit(f"gunicorn did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)
        yield Servers(gunicorn, celery, log)
    finally:
        for process in (gunicorn, celery):
            process.terminate()
        for process in (gunicorn, celery):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        out.close()


def drain(redis_url: str, timeout: float = 120.0) -> int:
    """Wait for the worker to take every task of the run off the queue; those left."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while client.llen("celery") and time.monotonic() < deadline:
        time.sleep(0.5)
    return int(client.llen("celery"))


def log_errors(log: Path) -> list[str]:
    """Lines of the servers' log that report an error (tracebacks, ERROR, failed tasks)."""
    lines = log.read_text(errors="replace").splitlines()
    return [
        line
        for line in lines
        if "Traceback" in line or "ERROR" in line or "CRITICAL" in line or "raised" in line
    ]


# --- CPU and memory from /proc --------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def peak_rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def backends(database_url: str) -> list[int]:
    """PIDs of the PostgreSQL backends connected to the run's database (not this one's)."""
    import psycopg2

    maintenance, name = _maintenance_dsn(database_url)
    connection = psycopg2.connect(maintenance)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


class Meter:
    """CPU seconds of each process over one phase, and the peak RSS seen."""

    def __init__(self, servers: Servers, database_url: str) -> None:
        self.servers, self.database_url = servers, database_url
        self.start: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.peak: dict[int, float] = {}
        self.roles: dict[int, str] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def processes(self) -> dict[int, str]:
        gunicorn, celery = self.servers.gunicorn.pid, self.servers.celery.pid
        roles = {gunicorn: "gunicorn master", celery: "celery worker", os.getpid(): "load client"}
        for pid in _children(gunicorn):
            roles[pid] = "gunicorn worker"
        for pid in _children(celery):
            roles[pid] = "celery worker"
        for pid in backends(self.database_url):
            roles[pid] = "postgres backend"
        return roles

    def _read(self) -> None:
        for pid, role in self.processes().items():
            cpu, rss = cpu_seconds(pid), peak_rss_mib(pid)
            if cpu is None:
                continue
            self.roles[pid] = role
            self.start.setdefault(pid, 0.0 if role == "postgres backend" else cpu)
            self.last[pid] = cpu
            if rss is not None:
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss)

    def _sample(self) -> None:
        while not self.stop.wait(0.5):
            with contextlib.suppress(Exception):  # a process ending while read
                self._read()

    def __enter__(self) -> "Meter":
        self._read()
        # Backends already open count from now, not from their start.
        for pid in self.start:
            self.start[pid] = self.last[pid]
        self.machine_start = machine_busy()
        self.wall = time.monotonic()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self._read()
        self.machine_cpu = machine_busy()[0] - self.machine_start[0]
        self.wall = time.monotonic() - self.wall

    def by_role(self) -> list[tuple[str, int, float, float]]:
        """(role, processes, CPU seconds, largest peak RSS MiB) per role."""
        rows: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        for pid, role in self.roles.items():
            row = rows[role]
            row[0] += 1
            row[1] += self.last[pid] - self.start[pid]
            row[2] = max(row[2], self.peak.get(pid, 0.0))
        order = ["gunicorn master", "gunicorn worker", "celery worker", "postgres backend"]
        order.append("load client")
        return [
            (role, int(rows[role][0]), rows[role][1], rows[role][2])
            for role in order
            if role in rows
        ]


# --- Load -----------------------------------------------------------------------------------


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    steps: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)


class Failed(Exception):
    pass


def call(
    tally: Tally,
    label: str,
    method: str,
    path: str,
    *,
    port: int,
    expect: int = 200,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    started = time.perf_counter()
    try:
        status, content = request(
            method, quote(path, safe="/?=&"), port=port, body=body, headers=headers
        )
    except OSError as error:
        status, content = 0, repr(error).encode()
    elapsed = (time.perf_counter() - started) * 1000
    with tally.lock:
        tally.timings[label].append(elapsed)
        if status != expect:
            tally.errors[label].append(f"{method} {path}: {status} {content[:200]!r}")
    if status != expect:
        raise Failed(label)
    return content


@dataclass
class Client:
    """One client thread: its random choices, its reviewer and its cases to review."""

    index: int
    world: World
    port: int
    tally: Tally
    rng: random.Random

    def hello(self) -> None:
        content = call(self.tally, "hello", "GET", "/bench/hello", port=self.port)
        if content != b"hello":
            self.tally.errors["hello"].append(f"hello: {content[:50]!r}")

    def step(self, name: str) -> None:
        getattr(self, name.replace(" ", "_"))()
        with self.tally.lock:
            self.tally.steps[name] += 1

    def catalogue_search(self) -> None:
        q = self.rng.choice(SEARCHES)
        call(self.tally, "GET /services/search/?q=", "GET", f"/services/search/?q={q}",
             port=self.port)  # fmt: skip

    def catalogue_search_API(self) -> None:  # noqa: N802 - named after its step
        q = self.rng.choice(SEARCHES)
        call(self.tally, "GET /api/v1/matters/?q=", "GET", f"/api/v1/matters/?q={q}",
             port=self.port, headers={"Accept": "application/json"})  # fmt: skip

    def guide(self) -> None:
        code = self.rng.choice(self.world.guides)
        call(self.tally, "GET /services/{code}/", "GET", f"/services/{code}/", port=self.port)

    def guide_API(self) -> None:  # noqa: N802
        code = self.rng.choice(self.world.guides)
        call(self.tally, "GET /api/v1/matters/{code}/", "GET", f"/api/v1/matters/{code}/",
             port=self.port, headers={"Accept": "application/json"})  # fmt: skip

    def _verify(self, label: str, path: str) -> None:
        code = self.rng.choice(self.world.verify_codes)
        content = call(self.tally, label, "GET", path.format(code=code), port=self.port)
        if b"valid" not in content and "有效".encode() not in content:
            with self.tally.lock:
                self.tally.errors[label].append(f"{code}: not a valid certificate answer")

    def verify(self) -> None:
        self._verify("GET /verify/{code}", "/verify/{code}")

    def verify_API(self) -> None:  # noqa: N802
        self._verify("GET /api/v1/verify/{code}", "/api/v1/verify/{code}")

    def application(self) -> None:
        citizens = self.world.citizens
        id_number = self.rng.choice(list(CITIZENS))
        auth = {
            "Authorization": f"Token {citizens.tokens[id_number]}",
            "Accept": "application/json",
        }
        as_json = {**auth, "Content-Type": "application/json"}
        form = {"matter": citizens.code, "form": citizens.forms[id_number]}
        created = call(self.tally, "POST /api/v1/cases/", "POST", "/api/v1/cases/",
                       port=self.port, expect=201, body=json.dumps(form).encode(),
                       headers=as_json)  # fmt: skip
        number = json.loads(created)["number"]
        body, content_type = multipart(
            {"material": citizens.material_key}, "file", "身份证.pdf", citizens.pdf
        )
        call(self.tally, "POST …/materials/ (100 KB)", "POST",
             f"/api/v1/cases/{number}/materials/", port=self.port, expect=201, body=body,
             headers={**auth, "Content-Type": content_type})  # fmt: skip
        call(self.tally, "POST …/transitions/ submit", "POST",
             f"/api/v1/cases/{number}/transitions/", port=self.port,
             body=b'{"action": "submit"}', headers=as_json)  # fmt: skip

    def review(self) -> None:
        tokens = self.world.reviewer_tokens
        token = tokens[self.index % len(tokens)]
        auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
        call(self.tally, "GET /api/v1/queue/", "GET", "/api/v1/queue/", port=self.port,
             headers=auth)  # fmt: skip
        mine = self.world.to_review[self.index]
        if not mine:
            return  # nothing left to claim: the queue read alone
        number = mine.pop()
        as_json = {**auth, "Content-Type": "application/json"}
        for action in ("claim", "approve"):
            call(self.tally, f"POST …/transitions/ {action}", "POST",
                 f"/api/v1/cases/{number}/transitions/", port=self.port,
                 body=json.dumps({"action": action}).encode(), headers=as_json)  # fmt: skip


def run_phase(clients: list[Client], once: Callable[[Client], None], duration: float) -> float:
    """Every client runs `once` in a loop for `duration` seconds; the seconds it took (work
    under way at the deadline finishes and is counted)."""
    deadline = time.monotonic() + duration

    def loop(client: Client) -> None:
        while time.monotonic() < deadline:
            try:
                once(client)
            except Failed:
                pass  # recorded by call()
            except Exception as error:  # counted and shown, never hidden
                with client.tally.lock:
                    client.tally.errors["client"].append(repr(error))

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def mix_step(client: Client) -> None:
    steps, weights = zip(*MIX, strict=True)
    client.step(client.rng.choices(steps, weights)[0])


# --- Report ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:.1f}"


def report(
    args: argparse.Namespace,
    world: World,
    phases: dict[str, tuple[Tally, float, Meter]],
    setup: dict[str, float],
    left_queued: int,
    log_lines: list[str],
) -> int:
    hello_tally, hello_seconds, _meter = phases["hello-world"]
    hello = hello_tally.timings["hello"]
    hello_rate = len(hello) / hello_seconds
    h50, h95, h99 = statistics.median(hello), percentile(hello, 0.95), percentile(hello, 0.99)
    print()
    print(
        f"Load test, {time.strftime('%Y-%m-%d %H:%M %Z')}: {world.cases:,} cases "
        f"({world.queue:,} in the queue of {DEPARTMENT}); gunicorn {args.workers} sync workers, "
        f"DEBUG off, CONN_MAX_AGE={args.conn_max_age}; Celery worker (solo) on Redis; "
        f"{args.concurrency} client threads; {args.duration:.0f} s per phase; "
        f"{os.cpu_count()} CPUs shared by all; load average {os.getloadavg()[0]:.1f} "
        f"(1 min) at the end"
    )
    done = [f"{name} {seconds:.0f} s" for name, seconds in setup.items() if seconds]
    print(f"times: {', '.join(done)}")
    print()
    print("| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | p50 ÷ hello | "
          "p95 ÷ hello | p99 ÷ hello | req/s ÷ hello | errors |")  # fmt: skip
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    errors = 0
    total_mix = 0
    for phase, (tally, seconds, _meter) in phases.items():
        for label in sorted(tally.timings, key=lambda k: (k != "hello", k)):
            timings = tally.timings[label]
            if phase != "hello-world":
                total_mix += len(timings)
            rate = len(timings) / seconds
            p50, p95, p99 = (
                statistics.median(timings),
                percentile(timings, 0.95),
                percentile(timings, 0.99),
            )
            failed = len(tally.errors.get(label, []))
            errors += failed
            print(
                f"| {'hello-world' if label == 'hello' else f'`{label}`'} | {len(timings)} | "
                f"{rate:.1f} | {_ms(p50)} | {_ms(p95)} | {_ms(p99)} | {p50 / h50:.2f} | "
                f"{p95 / h95:.2f} | {p99 / h99:.2f} | {rate / hello_rate:.3f} | {failed} |"
            )
    mix_tally, mix_seconds, _meter = phases["mix"]
    mix_rate = total_mix / mix_seconds
    print(
        f"| **whole mix** | {total_mix} | {mix_rate:.1f} | | | | | | | "
        f"{mix_rate / hello_rate:.3f} | |"
    )
    errors += len(mix_tally.errors.get("client", [])) + len(hello_tally.errors.get("client", []))
    print()
    steps = ", ".join(f"{name} {count}" for name, count in sorted(mix_tally.steps.items()))
    print(f"steps of the mix completed: {steps}")
    print()
    print("| process | phase | n | CPU s | CPU % of one core | peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for phase, (_tally, _seconds, meter) in phases.items():
        for role, count, cpu, rss in meter.by_role():
            print(
                f"| {role} | {phase} | {count} | {cpu:.1f} | {cpu / meter.wall:.0%} | {rss:.0f} |"
            )
        print(
            f"| whole machine (all users) | {phase} | | {meter.machine_cpu:.1f} | "
            f"{meter.machine_cpu / meter.wall:.0%} | |"
        )
    print()
    print("RSS of PostgreSQL backends includes the shared buffers they touched.")
    # CPU per request does not depend on how much of the machine other people used.
    for phase, (tally, _seconds, meter) in phases.items():
        requests = sum(len(timings) for timings in tally.timings.values())
        if not requests:
            continue
        cpu = {role: cpu for role, _n, cpu, _rss in meter.by_role() if role != "load client"}
        total = sum(cpu.values())
        parts = ", ".join(f"{role} {sec / requests * 1000:.2f}" for role, sec in cpu.items())
        print(
            f"{phase}: server CPU {total / requests * 1000:.2f} ms per request ({parts}); "
            f"{os.cpu_count()} cores to themselves would serve ≈ "
            f"{(os.cpu_count() or 1) * requests / total if total else 0:.0f} requests/s"
        )
    if left_queued:
        print(f"error: {left_queued} Celery tasks were still queued at the end")
        errors += left_queued
    for phase, (tally, _seconds, _meter) in phases.items():
        for label, found in tally.errors.items():
            for error in sorted(set(found)):
                print(f"error ({phase}, {label}, ×{found.count(error)}): {error}")
    for line in log_lines[:40]:
        print(f"server log: {line}")
    print(f"\nerrors: {errors}; error lines in the servers' log: {len(log_lines)}")
    return errors + len(log_lines)


def say(started: float, what: str) -> None:
    print(f"[{time.monotonic() - started:5.0f} s] {what}", flush=True)


# --- The run ----------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    started = time.monotonic()
    setup: dict[str, float] = {}
    errors = 1
    try:
        with fresh_database(args.database_url, args.keep, args.reuse):
            env = configure(args, workdir)
            empty_redis(args.redis_url)
            import django

            django.setup()
            logging.disable(logging.INFO)
            from django.core.management import call_command
            from django.db import connection

            if not args.reuse:
                with contextlib.redirect_stdout(io.StringIO()):  # the demo's console e-mail
                    call_command("migrate", verbosity=0)
                    call_command("seed_demo", verbosity=0)
                setup["migrate + seed_demo"] = time.monotonic() - started
                say(started, "database migrated and seeded")
            setup[f"{args.cases:,} cases"] = grow_cases(args.cases, env=env) or 0.0
            say(started, f"{args.cases:,} cases")
            connection.close()
            with serving(args, env, workdir) as servers:
                # The demo's own tasks (notices, its certificates' PDFs) first: the PDFs are
                # verified, and the tasks are not the phases' work.
                drain(args.redis_url)
                world = prepare(args, plan(args.port))
                say(started, "servers up, the demo's tasks done")
                phases: dict[str, tuple[Tally, float, Meter]] = {}
                rng = random.Random(args.seed)
                for phase, once in (("hello-world", Client.hello), ("mix", mix_step)):
                    tally = Tally()
                    clients = [
                        Client(n, world, args.port, tally, random.Random(rng.random()))
                        for n in range(args.concurrency)
                    ]
                    say(started, f"phase {phase}, {args.duration:.0f} s")
                    with Meter(servers, args.database_url) as meter:
                        seconds = run_phase(clients, once, args.duration)
                    phases[phase] = (tally, seconds, meter)
                mix_end = time.monotonic()
                left_queued = drain(args.redis_url)
                time.sleep(1)  # the worker finishes the last task it took
                say(started, "queue drained")
                setup["draining the Celery queue after the mix"] = time.monotonic() - mix_end
            lines = log_errors(servers.log)
            if lines:
                kept = ROOT / "benchmarks" / "results" / "load-servers.log"
                kept.parent.mkdir(exist_ok=True)
                shutil.copyfile(servers.log, kept)
                print(f"the servers' log is kept in {kept}")
            errors = report(args, world, phases, setup, left_queued, lines)
            empty_redis(args.redis_url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"total run time: {time.monotonic() - started:.0f} s")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
