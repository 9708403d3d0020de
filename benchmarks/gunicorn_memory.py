"""Resident memory of one idle gunicorn worker serving the portal.

Starts gunicorn with one worker on a loopback port, requests a few pages so the worker has
imported and rendered what a real request needs, waits until it is idle, and reads VmRSS of the
worker (and of the master) from /proc. Usage: .venv/bin/python benchmarks/gunicorn_memory.py
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("PORT", "8766"))
PAGES = ["/", "/accounts/sign-in/", "/accounts/register/", "/healthz", "/api/schema/"]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def main() -> None:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    master = subprocess.Popen(
        [str(gunicorn), "portal.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("gunicorn did not start")
                time.sleep(0.2)
        for _round in range(3):
            for page in PAGES:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{page}", timeout=10)
        time.sleep(2)  # idle
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
        worker = int(children[0])
        print(
            f"gunicorn worker RSS (idle, after {len(PAGES) * 3} requests): "
            f"{rss_kib(worker) / 1024:.1f} MiB"
        )
        print(f"gunicorn master RSS: {rss_kib(master.pid) / 1024:.1f} MiB")
    finally:
        master.terminate()
        master.wait(timeout=10)


if __name__ == "__main__":
    main()
