"""Case submissions per second through the API, as a ratio to a hello-world Django view served
by the same gunicorn on the same machine in the same run; SQL queries per submission and per
"my cases" page.

One run: a fresh database (a SQLite file in a temporary directory by default; with
--database-url postgres://… a database of that name, created here and dropped afterwards — an
existing one is refused, never reused), `migrate` and `seed_demo`, then gunicorn (sync workers)
on a loopback port serving benchmarks.hello_urls (the portal plus /bench/hello) with
DEBUG off. Celery runs eagerly unless --redis-url is given; then Redis is the broker and cache
and a Celery worker runs beside gunicorn (give it a Redis database of its own, e.g. /15).

Load: a fixed number of client threads (http.client, loopback only) for a fixed time per phase:
1. hello-world: GET /bench/hello;
2. submissions: POST /api/v1/cases/ (a draft) → POST …/materials/ (a 100 KB PDF) → POST
   …/transitions/ {"action": "submit"}, as the demo citizens with their API tokens; one
   submission per completed trio. The service is a published demo implementation whose only
   required upload is that one material; its form is answered from GET /api/v1/matters/{code}/;
3. floor: the same three requests, same bodies and tokens, to /bench/floor, an API view that
   authenticates, parses and answers without doing anything: the most a submission through
   this API could reach on this machine, whatever the portal did.
Then, in-process with Django's test client and CaptureQueriesContext: SQL queries per call of a
submission, and per "my cases" page (HTML /cases/ and API /api/v1/cases/) for 1 and 20 cases.

Usage, from the repository root:

    .venv/bin/python benchmarks/case_submissions.py
    .venv/bin/python benchmarks/case_submissions.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_submissions
"""

import argparse
import contextlib
import http.client
import io
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
SERVICE_NAME = "不动产登记资料查询"  # one required upload (the ID card), four questions
MATERIAL_BYTES = 100 * 1024
DEMO_PASSWORD = "Demo-2026!"  # noqa: S105 - the published demo credential (README)
# The demo citizens (portal/demo.py): ID number → (name, phone).
CITIZENS = {
    "420502199003071234": ("张三", "13800000001"),
    "11010519491231002X": ("李四", "13800000002"),
    "420502195008080078": ("王奶奶", "13800000003"),
}
GOAL = 0.3
# Without IMMEDIATE transactions two gunicorn workers writing to one SQLite file fail with
# "database is locked" (a read lock cannot be upgraded while another writer waits), so the run
# asks for them; WAL, for instance, can be tried with
# --sqlite-options "transaction_mode=IMMEDIATE&timeout=20&init_command=PRAGMA journal_mode=WAL"
SQLITE_OPTIONS = "transaction_mode=IMMEDIATE&timeout=20"


# --- Setting up -----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument(
        "--sqlite-options",
        default=SQLITE_OPTIONS,
        help="query string of the SQLite URL (Django's OPTIONS); default: %(default)s",
    )
    parser.add_argument("--redis-url", default="", help="broker and cache; default: eager")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=None,
        help="DATABASE_CONN_MAX_AGE for gunicorn (default: the portal's, 60)",
    )
    args = parser.parse_args()
    args.duration = max(2.0, min(args.duration, 60.0))  # bounded: the run stays short
    args.concurrency = max(1, min(args.concurrency, 64))
    return args


def _maintenance_dsn(url: str) -> tuple[str, str]:
    """(URL of the server's "postgres" database, name of the database to create)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
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


@contextlib.contextmanager
def fresh_database(url: str, workdir: Path, sqlite_options: str) -> Iterator[str]:
    """A database of our own for one run, removed afterwards."""
    if not url:
        yield f"sqlite:///{workdir / 'bench.sqlite3'}" + (
            f"?{sqlite_options}" if sqlite_options else ""
        )
        return
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url: a postgres:// URL (SQLite is the default)")
    maintenance, name = _maintenance_dsn(url)
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
        "REDIS_URL": args.redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "False" if args.redis_url else "True",
        # The demo's three tokens are fetched at once; the normal rate would do too.
        "PORTAL_AUTH_THROTTLE": "100/min",
    }
    if args.conn_max_age is not None:
        env["DATABASE_CONN_MAX_AGE"] = str(args.conn_max_age)
    os.environ.update(env)
    return {**os.environ, **env}


@contextlib.contextmanager
def serving(args: argparse.Namespace, env: dict[str, str], workdir: Path) -> Iterator[None]:
    """gunicorn (and a Celery worker when there is a broker) until the block ends."""
    bin_dir = Path(sys.executable).parent
    logs = (workdir / "gunicorn.log").open("wb")
    command = [
        str(bin_dir / "gunicorn"),
        "portal.wsgi:application",
        "--bind", f"{HOST}:{args.port}",
        "--workers", str(args.workers),
        "--worker-class", "sync",
        "--log-level", "warning",
    ]  # fmt: skip
    processes = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs, stderr=logs)]
    if args.redis_url:
        worker = [
            str(bin_dir / "celery"),
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "-l",
            "warning",
        ]
        processes.append(subprocess.Popen(worker, cwd=ROOT, env=env, stdout=logs, stderr=logs))
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if request("GET", "/healthz", port=args.port)[0] == 200:
                    break
            if time.monotonic() > deadline or processes[0].poll() is not None:
                sys.exit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")
            time.sleep(0.3)
        yield
        if args.redis_url:
            drain(args.redis_url)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        logs.close()
        errors = [
            line
            for line in (workdir / "gunicorn.log").read_text(errors="replace").splitlines()
            if "Error" in line or "error" in line
        ]
        if errors:
            # Kept for reading the tracebacks (benchmarks/results/ is git-ignored).
            kept = ROOT / "benchmarks" / "results" / "case_submissions-server.log"
            kept.parent.mkdir(exist_ok=True)
            shutil.copyfile(workdir / "gunicorn.log", kept)
            print(f"server errors: {len(errors)} lines; the whole log is in {kept}")


def drain(redis_url: str, timeout: float = 60.0) -> None:
    """Wait until the worker has taken every task of this run off the broker's queue."""
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while client.llen("celery") and time.monotonic() < deadline:
        time.sleep(0.5)
    if client.llen("celery"):
        print(f"warning: {client.llen('celery')} tasks still queued on {redis_url}")


# --- HTTP on loopback -----------------------------------------------------------------------


def request(
    method: str,
    path: str,
    *,
    port: int,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    # A new connection per request: gunicorn's sync workers close each one anyway.
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def api(method: str, path: str, *, port: int, token: str = "", data: Any = None) -> Any:
    headers = {"Accept": "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    status, content = request(
        method, quote(path, safe="/?=&"), port=port, body=body, headers=headers
    )
    if status >= 300:
        raise RuntimeError(f"{method} {path}: {status} {content[:300]!r}")
    return json.loads(content)


def multipart(fields: dict[str, str], file_field: str, name: str, content: bytes) -> tuple:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- What is submitted ----------------------------------------------------------------------


def answer(question: dict[str, Any], id_number: str) -> str:
    """An answer to one question of the form, by its type."""
    name, phone = CITIZENS[id_number]
    kind = question["field_type"]
    if question["key"] == "applicant_name":
        return name
    return {
        "text": "基准测试申请",
        "id_number": id_number,
        "phone": phone,
        "date": "2025-01-06",
        "choice": (question.get("choices") or [""])[0],
        "number": "1",
        "credit_code": "91420500MA49ABCDED",
        "address": "宜昌市西陵区夷陵大道58号",
    }.get(kind, "")


@dataclass
class Plan:
    code: str
    material_key: str
    forms: dict[str, dict[str, str]]  # ID number → answers
    tokens: dict[str, str]  # ID number → API token
    pdf: bytes


def plan(port: int) -> Plan:
    tokens = {}
    for id_number in CITIZENS:
        body = api(
            "POST",
            "/api/v1/auth/token/",
            port=port,
            data={"id_number": id_number, "password": DEMO_PASSWORD},
        )
        tokens[id_number] = body["token"]
    found = api("GET", f"/api/v1/matters/?q={SERVICE_NAME}&region=420500000000", port=port)
    code = next(r["code"] for r in found["results"] if r["name"] == SERVICE_NAME)
    guide = api("GET", f"/api/v1/matters/{code}/", port=port)
    uploads = [
        m["key"]
        for m in guide["materials"]
        if m["requirement"] == "required" and m["source"] == "upload"
    ]
    if len(uploads) != 1:
        sys.exit(f"{SERVICE_NAME} must ask for exactly one upload, not {uploads}")
    questions = [q for q in guide["form_fields"] if q["field_type"] != "file"]
    forms = {
        id_number: {q["key"]: answer(q, id_number) for q in questions if q["required"]}
        for id_number in CITIZENS
    }
    from cases.demo import demo_pdf

    # Comment lines after the header bring the PDF to 100 KB (less than one line short).
    padding = MATERIAL_BYTES - len(demo_pdf("Benchmark material"))
    return Plan(code, uploads[0], forms, tokens, demo_pdf("Benchmark material", padding=padding))


# --- Load -----------------------------------------------------------------------------------


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    completed: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def timed(tally: Tally, label: str, call: Callable[[], tuple[int, bytes]], expect: int) -> bytes:
    started = time.perf_counter()
    status, content = call()
    elapsed = (time.perf_counter() - started) * 1000
    with tally.lock:
        tally.timings[label].append(elapsed)
    if status != expect:
        raise RuntimeError(f"{label}: {status} {content[:200]!r}")
    return content


def hello_once(port: int, tally: Tally, worker: int, _plan: Plan | None) -> None:
    content = timed(tally, "hello", lambda: request("GET", "/bench/hello", port=port), 200)
    if content != b"hello":
        raise RuntimeError(f"hello: {content[:50]!r}")
    with tally.lock:
        tally.completed += 1


def submission_once(port: int, tally: Tally, worker: int, plan: Plan | None) -> None:
    assert plan is not None
    id_number = list(CITIZENS)[worker % len(CITIZENS)]
    auth = {"Authorization": f"Token {plan.tokens[id_number]}", "Accept": "application/json"}
    json_headers = {**auth, "Content-Type": "application/json"}
    started = time.perf_counter()
    created = timed(
        tally,
        "1 create draft",
        lambda: request(
            "POST",
            "/api/v1/cases/",
            port=port,
            body=json.dumps({"matter": plan.code, "form": plan.forms[id_number]}).encode(),
            headers=json_headers,
        ),
        201,
    )
    number = json.loads(created)["number"]
    body, content_type = multipart({"material": plan.material_key}, "file", "身份证.pdf", plan.pdf)
    timed(
        tally,
        "2 upload 100 KB",
        lambda: request(
            "POST",
            f"/api/v1/cases/{number}/materials/",
            port=port,
            body=body,
            headers={**auth, "Content-Type": content_type},
        ),
        201,
    )
    submitted = timed(
        tally,
        "3 submit",
        lambda: request(
            "POST",
            f"/api/v1/cases/{number}/transitions/",
            port=port,
            body=b'{"action": "submit"}',
            headers=json_headers,
        ),
        200,
    )
    if json.loads(submitted)["state"] != "submitted":
        raise RuntimeError(f"submit: {submitted[:200]!r}")
    with tally.lock:
        tally.timings["submission (3 calls)"].append((time.perf_counter() - started) * 1000)
        tally.completed += 1


def floor_once(port: int, tally: Tally, worker: int, plan: Plan | None) -> None:
    """The same three calls as a submission, with the same bodies, to /bench/floor: what the
    API costs before any work of the portal's own (see benchmarks/hello_urls.py)."""
    assert plan is not None
    id_number = list(CITIZENS)[worker % len(CITIZENS)]
    auth = {"Authorization": f"Token {plan.tokens[id_number]}", "Accept": "application/json"}
    json_headers = {**auth, "Content-Type": "application/json"}
    draft = json.dumps({"matter": plan.code, "form": plan.forms[id_number]}).encode()
    body, content_type = multipart({"material": plan.material_key}, "file", "身份证.pdf", plan.pdf)
    calls = [
        ("floor 1 (draft body)", draft, json_headers),
        ("floor 2 (100 KB upload)", body, {**auth, "Content-Type": content_type}),
        ("floor 3 (submit body)", b'{"action": "submit"}', json_headers),
    ]
    started = time.perf_counter()
    for label, payload, headers in calls:
        timed(
            tally,
            label,
            lambda p=payload, h=headers: request(
                "POST", "/bench/floor", port=port, body=p, headers=h
            ),
            201,
        )
    with tally.lock:
        tally.timings["floor (3 calls)"].append((time.perf_counter() - started) * 1000)
        tally.completed += 1


def load(
    once: Callable[[int, Tally, int, Plan | None], None],
    *,
    port: int,
    duration: float,
    concurrency: int,
    plan: Plan | None = None,
) -> tuple[Tally, float, float]:
    """Run `once` in a loop on every thread for `duration` seconds; (tally, seconds, client
    CPU seconds). Work under way at the deadline finishes and is counted."""
    tally = Tally()
    deadline = time.monotonic() + duration

    def loop(worker: int) -> None:
        while time.monotonic() < deadline:
            try:
                once(port, tally, worker, plan)
            except Exception as error:  # counted and shown, never hidden
                with tally.lock:
                    tally.errors.append(str(error))

    cpu = time.process_time()
    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started, time.process_time() - cpu


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


# --- Queries, in-process ----------------------------------------------------------------------


def count_queries(call: Callable[[], Any]) -> tuple[int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries), result


def _one_submission(client: Any, plan: Plan, id_number: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/cases/",
            {"matter": plan.code, "form": plan.forms[id_number]},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content[:300]
    counts["create draft"] = len(queries)
    number = response.json()["number"]
    upload = io.BytesIO(plan.pdf)
    upload.name = "身份证.pdf"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/cases/{number}/materials/", {"material": plan.material_key, "file": upload}
        )
    assert response.status_code == 201, response.content[:300]
    counts["upload"] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/cases/{number}/transitions/",
            {"action": "submit"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content[:300]
    counts["submit"] = len(queries)
    counts["submission (3 calls)"] = sum(counts.values())
    return counts


def queries_per_submission(plan: Plan) -> dict[str, int]:
    """Queries of each call of one submission, after one warm-up submission (which fills the
    per-process caches)."""
    from django.test import Client

    id_number = next(iter(CITIZENS))
    token = plan.tokens[id_number]
    client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token}")
    _one_submission(client, plan, id_number)
    return _one_submission(client, plan, id_number)


def queries_per_my_cases_page(plan: Plan) -> dict[str, tuple[int, int]]:
    """Queries of "my cases" (HTML and API) for a person with 1 case, then with 20."""
    from django.test import Client
    from knox.models import AuthToken

    from cases import services
    from cases.constants import Action
    from identity.services import user_register
    from identity.validators import id_number_check_char
    from matters import selectors as matter_selectors

    first17 = f"42050219800101{uuid.uuid4().int % 1000:03d}"
    person = user_register(
        id_number=first17 + id_number_check_char(first17),
        name="赵六",
        password=f"Bench-{uuid.uuid4().hex}",
        phone="13800000009",
        email="",
    )
    version = matter_selectors.published_version(plan.code)
    form = {**plan.forms[next(iter(CITIZENS))], "applicant_name": "赵六"}
    form["applicant_id_number"] = person.id_number

    def add_case(index: int) -> None:
        case = services.case_create(version=version, actor=person, form_data=form)
        if index % 2:  # half submitted, half drafts: both kinds of row on the page
            upload = io.BytesIO(plan.pdf)
            services.case_material_attach(
                case=case, actor=person, material_key=plan.material_key, file=upload, name="a.pdf"
            )
            services.case_transition(case=case, action=Action.SUBMIT, actor=person)

    browser = Client(HTTP_HOST=HOST)
    browser.force_login(person)
    _instance, token = AuthToken.objects.create(user=person)
    api_client = Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {token}")
    pages = {
        "HTML /cases/": (browser, "/cases/"),
        "API /api/v1/cases/": (api_client, "/api/v1/cases/"),
    }
    counts: dict[str, list[int]] = defaultdict(list)
    for existing in (1, 20):
        while len(person.cases.all()) < existing:
            add_case(len(person.cases.all()))
        for label, (client, path) in pages.items():
            client.get(path)  # warm
            n, response = count_queries(lambda c=client, p=path: c.get(p))
            assert response.status_code == 200, (path, response.status_code)
            counts[label].append(n)
    return {label: (one, twenty) for label, (one, twenty) in counts.items()}


# --- The run ----------------------------------------------------------------------------------


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-submissions-"))
    started = time.monotonic()
    try:
        with fresh_database(args.database_url, workdir, args.sqlite_options) as database_url:
            env = configure(args, database_url, workdir)
            import django

            django.setup()
            logging.disable(logging.INFO)  # this process's own INFO lines (e.g. SMS to console)
            from django.conf import settings
            from django.core.management import call_command
            from django.db import connection

            with contextlib.redirect_stdout(io.StringIO()):  # the demo's console e-mail
                call_command("migrate", verbosity=0)
                call_command("seed_demo", verbosity=0)
            connection.close()  # gunicorn's workers open their own
            setup_seconds = time.monotonic() - started
            with serving(args, env, workdir):
                the_plan = plan(args.port)
                phases = [
                    load(
                        once,
                        port=args.port,
                        duration=args.duration,
                        concurrency=args.concurrency,
                        plan=the_plan,
                    )
                    for once in (hello_once, submission_once, floor_once)
                ]
                with contextlib.redirect_stdout(io.StringIO()):
                    per_submission = queries_per_submission(the_plan)
                    per_page = queries_per_my_cases_page(the_plan)
                connection.close()
            report(
                args=args,
                vendor=connection.vendor,
                broker="Redis + Celery worker" if args.redis_url else "eager Celery",
                conn_max_age=settings.DATABASES["default"]["CONN_MAX_AGE"],
                setup_seconds=setup_seconds,
                material_bytes=len(the_plan.pdf),
                hello=phases[0],
                subs=phases[1],
                floor=phases[2],
                per_submission=per_submission,
                per_page=per_page,
                total_seconds=time.monotonic() - started,
            )
            failed = any(tally.errors for tally, _seconds, _cpu in phases)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


def report(
    *,
    args: argparse.Namespace,
    vendor: str,
    broker: str,
    conn_max_age: int,
    setup_seconds: float,
    material_bytes: int,
    hello: tuple[Tally, float, float],
    subs: tuple[Tally, float, float],
    floor: tuple[Tally, float, float],
    per_submission: dict[str, int],
    per_page: dict[str, tuple[int, int]],
    total_seconds: float,
) -> None:
    (hello_tally, hello_seconds, hello_cpu), (subs_tally, subs_seconds, subs_cpu) = hello, subs
    floor_tally, floor_seconds, floor_cpu = floor
    hello_rate = hello_tally.completed / hello_seconds
    subs_rate = subs_tally.completed / subs_seconds
    print(
        f"database: {vendor}; {broker}; gunicorn {args.workers} sync workers, DEBUG off, "
        f"CONN_MAX_AGE={conn_max_age}; {args.concurrency} client threads; "
        f"{args.duration:.0f} s per phase; {os.cpu_count()} CPUs shared by all"
    )
    if vendor == "sqlite" and not args.database_url:
        print(f"SQLite options: {args.sqlite_options or '(none)'}")
    print(f"material: a {material_bytes / 1024:.1f} KiB PDF; setup (migrate + seed_demo) "
          f"{setup_seconds:.0f} s")  # fmt: skip
    print()
    print(f"{'call':24} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    rows = [("hello", hello_tally, hello_seconds)]
    rows += [(label, subs_tally, subs_seconds) for label in sorted(subs_tally.timings)]
    rows += [(label, floor_tally, floor_seconds) for label in sorted(floor_tally.timings)]
    for label, tally, seconds in rows:
        timings = tally.timings[label]
        totals = ("hello", "submission (3 calls)", "floor (3 calls)")
        errors = len(tally.errors) if label in totals else ""
        print(
            f"{label:24} {len(timings):7d} {len(timings) / seconds:8.1f} "
            f"{statistics.median(timings) if timings else 0:8.1f} "
            f"{percentile(timings, 0.95):8.1f} {errors!s:>7}"
        )
    ratio = subs_rate / hello_rate if hello_rate else 0.0
    print()
    print(f"hello-world: {hello_rate:.1f} requests/s (client CPU {hello_cpu / hello_seconds:.0%})")
    print(f"submissions: {subs_rate:.1f} per s (client CPU {subs_cpu / subs_seconds:.0%})")
    verdict = "meets" if ratio >= GOAL else "misses"
    print(f"ratio submissions/s ÷ hello-world/s: {ratio:.3f} ({verdict} the goal ≥ {GOAL})")
    floor_rate = floor_tally.completed / floor_seconds
    print(
        f"floor: {floor_rate:.1f} trios of do-nothing API calls per s (client CPU "
        f"{floor_cpu / floor_seconds:.0%}), ratio {floor_rate / hello_rate:.3f} to hello-world: "
        f"the most any submission through this API could reach here"
    )
    print()
    print("SQL queries per submission (in-process, test client):")
    for label, count in per_submission.items():
        print(f"  {label:24} {count:4d}")
    print("SQL queries per 'my cases' page (1 case → 20 cases):")
    for label, (one, twenty) in per_page.items():
        same = "constant" if one == twenty else "NOT CONSTANT"
        print(f"  {label:24} {one:4d} → {twenty:4d}  {same}")
    for tally in (hello_tally, subs_tally, floor_tally):
        for error in sorted(set(tally.errors))[:5]:
            print(f"error: {error}")
    print(f"\ntotal run time: {total_seconds:.0f} s")


if __name__ == "__main__":
    main()
