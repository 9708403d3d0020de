"""Electronic certificates: PDF render time and peak memory in a warm process, and the public
verification page's p95 latency as a ratio to a hello-world view in the same run.

1. In-process, like a warm Celery worker: a one-page 营业执照 with Chinese text, QR code and
   embedded font subsets is rendered `--renders` times after `--warm-up` renders (the first
   builds WeasyPrint's font configuration); p50/p95 of `documents.certificate_pdf` (goal p50 ≤
   150 ms), the peak of Python allocations during one render (tracemalloc) and the process's
   peak RSS.
2. Over HTTP: a fresh database (as benchmarks/case_submissions.py: SQLite in a temp dir, or
   --database-url postgres://… created and dropped), `migrate` and the demo's people and
   certificates (certificates/demo.py), then gunicorn
   serving benchmarks.hello_urls with DEBUG off and the verification throttle lifted; client
   threads GET /bench/hello, then /verify/{code} of a demo certificate (signature and PDF
   checked on every request), then /api/v1/verify/{code}, for `--duration` seconds each.

Usage, from the repository root:

    .venv/bin/python benchmarks/certificates.py
    .venv/bin/python benchmarks/certificates.py --renders 100 --duration 15
    .venv/bin/python benchmarks/certificates.py \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_bench_certificates
"""

import argparse
import contextlib
import io
import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on the path, where certificates.py and
# queue.py would hide the certificates app and the standard library's queue.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks.case_submissions import (  # noqa: E402 - after the path is set
    SQLITE_OPTIONS,
    Tally,
    configure,
    fresh_database,
    hello_once,
    load,
    percentile,
    request,
    serving,
    timed,
)

GOAL_P50_MS = 150.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    parser.add_argument("--sqlite-options", default=SQLITE_OPTIONS)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--renders", type=int, default=50, help="timed PDF renders")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed renders first")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP phase")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8768)
    parser.add_argument("--skip-http", action="store_true", help="only the PDF figures")
    parser.add_argument("--conn-max-age", type=int, default=None)
    args = parser.parse_args()
    args.renders = max(5, min(args.renders, 500))
    args.duration = max(2.0, min(args.duration, 60.0))
    args.concurrency = max(1, min(args.concurrency, 32))
    return args


def _licence():  # type: ignore[no-untyped-def]
    """An unsaved 营业执照 of the demo enterprise: rendering needs no database."""
    from certificates import identifiers
    from certificates.demo import TYPES
    from certificates.models import Certificate, CertificateType
    from identity.models import Organisation

    name, _dept, holder, _years, _single, layout, fields = TYPES["yyzz"]
    type_ = CertificateType(
        code="yyzz", name=name, type_code="11100000000013338W001", holder_kind=holder,
        layout=layout, fields=fields,
    )  # fmt: skip
    issuer = Organisation(credit_code="11420500MB0000006G", name="宜昌市市场监督管理局")
    enterprise = Organisation(credit_code="91420500MA49ABCDED", name="宜昌示例科技有限公司")
    serial, version = "20260000001", 1
    return Certificate(
        identifier=identifiers.build_identifier(
            type_code=type_.type_code,
            issuer_code=issuer.credit_code,
            serial=serial,
            version=version,
        ),
        type=type_,
        serial=serial,
        version=version,
        holder_organisation=enterprise,
        holder_name=enterprise.name,
        holder_code=enterprise.credit_code,
        issuer=issuer,
        issuer_name=issuer.name,
        issuer_code=issuer.credit_code,
        data={
            "company_name": enterprise.name,
            "enterprise_type": "有限责任公司",
            "legal_rep_name": "张三",
            "registered_capital": "500",
            "registered_address": "宜昌市西陵区发展大道66号宜昌科创园B座1201室",
            "business_scope": "软件开发；信息技术咨询服务；数据处理和存储支持服务；"
            "人工智能应用软件开发；互联网信息服务",
        },
        issued_on=date(2026, 11, 22),
        verify_code=identifiers.new_verify_code(),
        short_code=identifiers.new_short_code(),
    )


def pdf_figures(args: argparse.Namespace) -> dict[str, float]:
    from certificates import documents

    certificate = _licence()
    for _ in range(args.warm_up):
        content = documents.certificate_pdf(certificate)
    timings, cpu = [], []
    for _ in range(args.renders):
        started, started_cpu = time.perf_counter(), time.process_time()
        content = documents.certificate_pdf(certificate)
        timings.append((time.perf_counter() - started) * 1000)
        # CPU time too: on a shared machine the wall clock also counts waiting for a core.
        cpu.append((time.process_time() - started_cpu) * 1000)
    tracemalloc.start()
    documents.certificate_pdf(certificate)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "p50": statistics.median(timings),
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": percentile(cpu, 0.95),
        "p95": percentile(timings, 0.95),
        "min": min(timings),
        "max": max(timings),
        "bytes": len(content),
        "traced_peak_mib": peak / 2**20,
        "rss_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def page_once(path: str, label: str):  # type: ignore[no-untyped-def]
    def once(port: int, tally: Tally, worker: int, _plan: object) -> None:
        content = timed(tally, label, lambda: request("GET", path, port=port), 200)
        if b"valid" not in content and "有效".encode() not in content:
            raise RuntimeError(f"{label}: not a valid certificate answer")
        with tally.lock:
            tally.completed += 1

    return once


def http_figures(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    os.environ["PORTAL_VERIFY_THROTTLE"] = "1000000/min"  # measured, not throttled
    with fresh_database(args.database_url, workdir, args.sqlite_options) as database_url:
        env = configure(args, database_url, workdir)
        import django

        django.setup()
        logging.disable(logging.INFO)
        from django.core.management import call_command
        from django.db import connection

        from certificates.demo import seed_certificate_library
        from certificates.models import Certificate
        from portal.demo import seed_organisations, seed_people, seed_regions

        started = time.monotonic()
        with contextlib.redirect_stdout(io.StringIO()):
            call_command("migrate", verbosity=0)
            # The demo's people, departments and certificates (not its catalogue and cases).
            seed_people(seed_organisations(seed_regions()))
            seed_certificate_library()
        setup_seconds = time.monotonic() - started
        licence = Certificate.objects.filter(
            type__code="yyzz", holder_organisation__isnull=False, state="issued"
        ).first()
        if licence is None or not licence.pdf_sha256:
            sys.exit("the demo made no rendered 营业执照 to verify")
        code = licence.verify_code
        connection.close()
        phases = {}
        with serving(args, env, workdir):
            for label, once in (
                ("hello", hello_once),
                ("verify page", page_once(f"/verify/{code}", "verify page")),
                ("verify API", page_once(f"/api/v1/verify/{code}", "verify API")),
            ):
                tally, seconds, _cpu = load(
                    once, port=args.port, duration=args.duration, concurrency=args.concurrency
                )
                phases[label] = (tally, seconds)
        return {"vendor": connection.vendor, "setup": setup_seconds, "phases": phases}


def main() -> None:
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    workdir = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    failed = False
    try:
        if args.skip_http:
            import django

            django.setup()
        else:
            http = http_figures(args, workdir)
        pdf = pdf_figures(args)
        print(
            f"PDF: one-page 营业执照, Chinese text, QR code, {pdf['bytes'] / 1024:.0f} KiB; "
            f"{args.renders} renders after {args.warm_up} warm-up; {os.cpu_count()} CPUs; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        verdict = "meets" if pdf["p50"] <= GOAL_P50_MS else "misses"
        print(
            f"  p50 {pdf['p50']:.1f} ms ({verdict} the goal ≤ {GOAL_P50_MS:.0f} ms), "
            f"p95 {pdf['p95']:.1f} ms, min {pdf['min']:.1f}, max {pdf['max']:.1f}"
        )
        print(f"  CPU time per render: p50 {pdf['cpu_p50']:.1f} ms, p95 {pdf['cpu_p95']:.1f} ms")
        print(
            f"  peak Python allocations during one render {pdf['traced_peak_mib']:.1f} MiB; "
            f"peak RSS of the process {pdf['rss_peak_mib']:.0f} MiB"
        )
        if args.skip_http:
            return
        print()
        print(
            f"HTTP: {http['vendor']}; gunicorn {args.workers} sync workers, DEBUG off; "
            f"{args.concurrency} client threads; {args.duration:.0f} s per phase; "
            f"setup (migrate + demo certificates) {http['setup']:.0f} s"
        )
        print(f"  {'call':14} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        p95 = {}
        for label, (tally, seconds) in http["phases"].items():
            timings = tally.timings[label]
            p95[label] = percentile(timings, 0.95)
            failed = failed or bool(tally.errors)
            print(
                f"  {label:14} {len(timings):7d} {len(timings) / seconds:8.1f} "
                f"{statistics.median(timings) if timings else 0:8.1f} {p95[label]:8.1f} "
                f"{len(tally.errors):7d}"
            )
            for error in sorted(set(tally.errors))[:3]:
                print(f"  error: {error}")
        if p95.get("hello"):
            for label in ("verify page", "verify API"):
                print(f"  {label} p95 ÷ hello-world p95: {p95[label] / p95['hello']:.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
