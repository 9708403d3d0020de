"""`manage.py audit_verify` over a large audit trail: wall time per 1,000,000 entries and the
command's peak memory, on PostgreSQL.

Appends N valid entries (default 1,000,000) to the chain of the database named by
DATABASE_URL — hashed here with the same function the application uses, loaded with COPY —
then runs `manage.py audit_verify` in a child process and reports its wall time and peak
resident memory. Usage, from the repository root:

    createdb -h 127.0.0.1 -U postgres portal_bench_audit
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_audit \
        .venv/bin/python benchmarks/audit_verify.py [--entries 1000000]

Entries are only added up to --entries, so a second run measures at once.
"""

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

# The repository root instead of this folder, whose queue.py would shadow the standard
# library's queue module.
sys.path.pop(0)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from identity.models import AuditChainHead, AuditEvent, audit_hash  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = (
    "occurred_at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail",
    "previous_hash",
    "hash",
)
BATCH = 100_000
# Runs manage.py in the child, then prints the child's own peak RSS (VmHWM, reset by exec).
CHILD = """
import runpy, sys
sys.argv = sys.argv[1:]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
finally:
    sys.stdout.flush()
    print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).strip())
"""
ACTIONS = ("cases.submit", "cases.accept", "cases.claim", "cases.approve", "identity.sign_in")


def append(count: int) -> None:
    """Append `count` entries to the chain (one transaction per batch, head locked)."""
    start = datetime.now(UTC) - timedelta(days=400)
    written = 0
    while written < count:
        size = min(BATCH, count - written)
        with transaction.atomic():
            head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            previous = head.last_hash
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for n in range(head.length, head.length + size):
                at = start + timedelta(seconds=n * 30, microseconds=n % 1000)
                action = ACTIONS[n % len(ACTIONS)]
                detail = {
                    "number": f"420500-20260101-{n:06d}",
                    "from": "submitted",
                    "to": "accepted",
                }
                label = "4205**********1234"
                object_id = str(n)
                digest = audit_hash(
                    previous=previous,
                    at=at,
                    actor_id=None,
                    actor_label=label,
                    action=action,
                    object_type="cases.case",
                    object_id=object_id,
                    outcome="success",
                    ip=None,
                    detail=detail,
                    subject_id=None,
                )
                writer.writerow(
                    [
                        at.isoformat(),
                        label,
                        action,
                        "cases.case",
                        object_id,
                        "success",
                        json.dumps(detail, ensure_ascii=False),
                        previous,
                        digest,
                    ]
                )
                previous = digest
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {AuditEvent._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN WITH CSV",
                    buffer,
                )
            head.last_hash = previous
            head.length += size
            head.save(update_fields=["last_hash", "length"])
        written += size
        print(f"  appended {written:,}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the figure is for PostgreSQL.")
    call_command("migrate", verbosity=0)
    have = AuditEvent.objects.count()
    if have < args.entries:
        started = time.perf_counter()
        append(args.entries - have)
        print(f"generated in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE identity_auditevent")
    total = AuditEvent.objects.count()
    connection.close()

    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "manage.py"), "audit_verify"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - started
    # The child's own high-water mark (VmHWM): RUSAGE_CHILDREN's ru_maxrss also counts this
    # process's peak, which Linux carries over into a child across fork/vfork and exec.
    lines = (result.stdout + result.stderr).strip().splitlines()
    hwm = [line for line in lines if line.startswith("VmHWM:")]
    peak_kib = (
        int(hwm[-1].split()[1]) if hwm else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    print("\n".join(line for line in lines if not line.startswith("VmHWM:")))
    print(f"entries: {total:,}")
    per_million = elapsed * 1_000_000 / total
    print(f"audit_verify: {elapsed:.1f} s wall, {per_million:.1f} s per 1,000,000 entries")
    print(f"peak memory of the command: {peak_kib / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
