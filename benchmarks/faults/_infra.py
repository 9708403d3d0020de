"""Servers of a fault script's own: a PostgreSQL cluster and a Redis in a temporary directory
(never the machine's shared ones, which these scripts stop and start), gunicorn and Celery
workers on them, and a small HTTP client. Everything started here is stopped here."""

import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The submission benchmark's demo citizens, service and answers serve the drills too.
from benchmarks.case_submissions import (  # noqa: E402 - needs ROOT on the path
    CITIZENS,
    DEMO_PASSWORD,
    SERVICE_NAME,
    answer,
)

HOST = "127.0.0.1"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 55432
REDIS_PORT = 56379
WEB_PORT = 8791
BIN = Path(sys.executable).parent
# How long a server waits for its port when another socket still holds it.
BIND_WAIT_SECONDS = 90


def port_free(port: int) -> None:
    """Refuse to start when the port is taken (another run of these scripts)."""
    import socket

    with socket.socket() as probe:
        if probe.connect_ex((HOST, port)) == 0:
            sys.exit(f"port {port} is in use: another fault script running? (nothing started)")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"fault-{prefix}-"))
    path.chmod(0o755)  # the postgres user reaches its data directory through it
    try:
        yield path
    finally:
        # The servers' logs of the last run are kept (benchmarks/results is git-ignored).
        kept = ROOT / "benchmarks" / "results" / f"faults-{prefix}-logs"
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        for log_file in path.glob("*.log"):
            shutil.copy(log_file, kept / log_file.name)
        shutil.rmtree(path, ignore_errors=True)


# --- PostgreSQL -------------------------------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses root: run the cluster as the postgres user when we are root."""
    if os.geteuid() != 0:
        return command
    return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(command)]


@dataclass
class Postgres:
    data: Path
    port: int
    log_file: Path

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/portal"

    def pg_ctl(self, *arguments: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log_file), "-w"]
        done = subprocess.run(_as_postgres([*command, *arguments]), capture_output=True)
        if done.returncode != 0:
            tail = self.log_file.read_text(errors="replace")[-1500:]
            raise RuntimeError(f"pg_ctl {arguments[-1]} failed: {done.stderr.decode()}\n{tail}")

    @property
    def options(self) -> str:
        return f"'-p {self.port} -k {self.data} -c listen_addresses={HOST}'"

    def start(self) -> None:
        # The port is in the ephemeral range: a client connection elsewhere may hold it for
        # a while (TIME_WAIT); wait for it rather than fail.
        deadline = time.monotonic() + BIND_WAIT_SECONDS
        while True:
            try:
                self.pg_ctl("-o", self.options, "start")
                return
            except RuntimeError as error:
                if "Address already in use" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(2)

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "stop")

    def restart(self, mode: str = "fast") -> None:
        try:
            self.pg_ctl("-m", mode, "-o", self.options, "restart")
        except RuntimeError as error:
            if "Address already in use" not in str(error):
                raise
            self.start()


@contextlib.contextmanager
def own_postgres(directory: Path, port: int = PG_PORT) -> Iterator[Postgres]:
    """A fresh PostgreSQL 15 cluster (trust, fsync off: it is thrown away) with a database
    "portal"; stopped and removed at the end."""
    port_free(port)
    data = directory / "pgdata"
    data.mkdir()
    log_file = directory / "postgres.log"
    log_file.touch()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        shutil.chown(log_file, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        conf.write("max_connections = 100\n")
    server = Postgres(data=data, port=port, log_file=log_file)
    server.start()
    try:
        import psycopg2

        connection = psycopg2.connect(f"postgres://postgres@{HOST}:{port}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE portal")
        connection.close()
        yield server
    finally:
        with contextlib.suppress(RuntimeError):
            server.stop("immediate")


# --- Redis ------------------------------------------------------------------------------------


@dataclass
class Redis:
    port: int
    log_file: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        import redis

        command = [
            "redis-server", "--port", str(self.port), "--bind", HOST,
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        deadline = time.monotonic() + BIND_WAIT_SECONDS
        while True:
            self.process = subprocess.Popen(
                command, stdout=self.log_file.open("a"), stderr=subprocess.STDOUT
            )
            while self.process.poll() is None:
                with contextlib.suppress(redis.exceptions.ConnectionError):
                    if redis.Redis.from_url(self.url).ping():
                        return
                time.sleep(0.1)
            # Exited: most likely its port still held by another socket (see Postgres.start).
            if time.monotonic() > deadline:
                sys.exit(f"redis-server did not start, see {self.log_file}")
            time.sleep(2)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # as a crash would: nothing saved (--save '')
            self.process.wait(10)
        self.process = None


@contextlib.contextmanager
def own_redis(directory: Path, port: int = REDIS_PORT) -> Iterator[Redis]:
    port_free(port)
    server = Redis(port=port, log_file=directory / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- The portal --------------------------------------------------------------------------------


def portal_env(
    *,
    database_url: str,
    redis_url: str,
    media: Path,
    conn_max_age: int = 60,  # the portal's default
) -> dict[str, str]:
    """The environment of the portal's processes, and of this one (set here too)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": str(conn_max_age),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url or "memory://",
        # Without Redis, tasks run in the web process (the embedded mode).
        "CELERY_TASK_ALWAYS_EAGER": "False" if redis_url else "True",
        "PORTAL_MEDIA_ROOT": str(media),
        "DJANGO_DEBUG": "False",
        "DJANGO_ENV": "development",
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "DJANGO_LOG_LEVEL": "WARNING",
        "PORTAL_AUTH_THROTTLE": "1000/min",
    }
    os.environ.update(env)
    return {**os.environ, **env}


def manage(env: dict[str, str], *arguments: str, timeout: float = 900) -> None:
    """manage.py in a process of its own (seeding with tasks run eagerly)."""
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**env, "CELERY_TASK_ALWAYS_EAGER": "True"},
        check=True,
        capture_output=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], directory: Path, *, port: int = WEB_PORT, workers: int = 2
) -> Iterator[subprocess.Popen]:
    port_free(port)
    log_path = directory / "gunicorn.log"
    command = [
        str(BIN / "gunicorn"), "portal.wsgi:application",
        "--bind", f"{HOST}:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log_path.open("a"), stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(OSError):
                if request("GET", "/", port=port)[0] == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                sys.exit(f"gunicorn did not start; see {log_path}")
            time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Workers:
    """Celery worker processes started one after the other (each killed or stopped here)."""

    env: dict[str, str]
    directory: Path
    pool: str = "prefork"
    concurrency: int = 2
    beat: bool = False
    started: list[subprocess.Popen] = field(default_factory=list)

    def start(self) -> subprocess.Popen:
        log_path = self.directory / f"worker-{len(self.started)}.log"
        command = [
            str(BIN / "celery"), "-A", "portal", "worker",
            f"--pool={self.pool}", f"--concurrency={self.concurrency}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=WARNING",
        ]  # fmt: skip
        if self.beat:
            command += ["--beat", "--schedule", str(self.directory / f"beat-{uuid.uuid4().hex}")]
        # A process group of its own: SIGKILL reaches the prefork children too.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill(process)


@contextlib.contextmanager
def celery_workers(env: dict[str, str], directory: Path, **options: Any) -> Iterator[Workers]:
    workers = Workers(env=env, directory=directory, **options)
    try:
        yield workers
    finally:
        workers.stop_all()


# --- HTTP ---------------------------------------------------------------------------------------


def request(
    method: str,
    path: str,
    *,
    port: int = WEB_PORT,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, quote(path, safe="/?=&%#"), body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def api(
    method: str, path: str, *, token: str = "", data: Any = None, port: int = WEB_PORT
) -> tuple[int, Any]:
    headers = {"Accept": "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    status, content = request(method, path, port=port, body=body, headers=headers)
    try:
        return status, json.loads(content)
    except ValueError:
        return status, content[:300]


def token(id_number: str, *, port: int = WEB_PORT) -> str:
    status, body = api(
        "POST",
        "/api/v1/auth/token/",
        data={"id_number": id_number, "password": DEMO_PASSWORD},
        port=port,
    )
    if status != 200:
        sys.exit(f"sign-in of {id_number} failed: {status} {body}")
    return body["token"]


def multipart(fields: dict[str, str], name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for key, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{key}"'
        out.write(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
    )
    out.write(content + b"\r\n" + f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def verdict(name: str, checks: dict[str, bool]) -> bool:
    """Print each check and the overall PASS/FAIL line; True when all passed."""
    for label, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {label}")
    passed = all(checks.values())
    print(f"{name}: {'PASS' if passed else 'FAIL'}")
    return passed


# --- Applications through the API -------------------------------------------------------------


@dataclass
class Service:
    code: str
    material_key: str
    forms: dict[str, dict[str, str]]  # ID number → answers


def service(*, port: int = WEB_PORT) -> Service:
    """The demo's 不动产登记资料查询: its code, its one upload, answers for each citizen."""
    _status, found = api("GET", f"/api/v1/matters/?q={SERVICE_NAME}&region=420500000000", port=port)
    code = next(row["code"] for row in found["results"] if row["name"] == SERVICE_NAME)
    _status, guide = api("GET", f"/api/v1/matters/{code}/", port=port)
    uploads = [
        m["key"]
        for m in guide["materials"]
        if m["requirement"] == "required" and m["source"] == "upload"
    ]
    questions = [q for q in guide["form_fields"] if q["field_type"] != "file" and q["required"]]
    forms = {
        id_number: {q["key"]: answer(q, id_number) for q in questions} for id_number in CITIZENS
    }
    return Service(code=code, material_key=uploads[0], forms=forms)


def material_pdf(size: int) -> bytes:
    from cases.demo import demo_pdf

    return demo_pdf("Fault drill material", padding=max(0, size - len(demo_pdf("x"))))


def upload(number: str, *, key: str, content: bytes, token: str, port: int = WEB_PORT) -> tuple:
    body, content_type = multipart({"material": key}, "身份证.pdf", content)
    status, raw = request(
        "POST",
        f"/api/v1/cases/{number}/materials/",
        port=port,
        body=body,
        headers={
            "Authorization": f"Token {token}",
            "Accept": "application/json",
            "Accept-Language": "en",
            "Content-Type": content_type,
        },
    )
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw[:300]


# --- Cases under review, written in-process as the demo writes its own --------------------------

SCJG = "11420500MB0000006G"  # 宜昌市市场监督管理局: its demo reviewer is 钱进
GAJ = "11420500MB0000007K"  # 宜昌市公安局: a department a case can be handed off to
REVIEWER = "420503199001010020"


def seed_in_review(count: int, service_name: str) -> list[str]:
    """`count` cases of the demo citizens under review at 市场监管局, claimed by its reviewer,
    through the services (tasks run eagerly here: their notifications are not the test)."""
    from cases import demo
    from cases.constants import CaseState
    from identity.models import User
    from portal.celery import app

    people = {
        person.id_number: person
        for person in User.objects.filter(
            id_number__in=[*demo.CITIZENS, demo.CLERK, *demo.REVIEWERS.values()]
        )
    }
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return [
                demo._seed_case(  # the demo's own way to a state
                    demo.DemoCase(demo.CITIZENS[index % 3], service_name, CaseState.IN_REVIEW),
                    people,
                ).number
                for index in range(count)
            ]
    finally:
        app.conf.task_always_eager = eager


def transition(number: str, action: str, *, token: str, port: int = WEB_PORT, **extra: Any):
    return api(
        "POST",
        f"/api/v1/cases/{number}/transitions/",
        token=token,
        data={"action": action, **extra},
        port=port,
    )


def queued(redis_url: str, queue: str = "celery") -> int:
    import redis

    return int(redis.Redis.from_url(redis_url).llen(queue))
