"""Fault: the disk holding uploaded materials is full. Uploads must be refused with a clear
error (507, the API's error shape, the message on the file field), never a 500, and nothing
may be stored half-way (no material row, no partial file); once there is room again uploads
work.

The media root of gunicorn is a real 2 MiB tmpfs mounted for the run (needs root); the
database is a SQLite file beside it, Celery eager: neither is what is tested. Phases:

1. room: uploads of 100 KB are stored (201);
2. full: the disk is filled to the last byte, then --uploads uploads are tried;
3. racing: about 1.4 MiB free, uploads of 1 MiB sent --concurrency at a time: the free-space
   check lets several through at once and the disk fills up during their writes;
4. room again: the filler is removed, an upload is stored.

Usage, from the repository root (as root): .venv/bin/python benchmarks/faults/disk_full.py
"""

import argparse
import contextlib
import errno
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _infra  # the sibling helper module, found through the line above

DISK_BYTES = 2 * 1024 * 1024
SMALL = 100 * 1024
LARGE = 1024 * 1024


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=20, help="uploads tried on the full disk")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="racing uploads at once (= gunicorn workers)"
    )
    parser.add_argument("--rounds", type=int, default=5, help="rounds of racing uploads")
    parser.add_argument("--port", type=int, default=_infra.WEB_PORT)
    return parser.parse_args()


@contextlib.contextmanager
def tmpfs(path: Path):
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(path)],  # noqa: S607
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        sys.exit(f"FAIL: cannot mount a tmpfs (run as root): {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)  # noqa: S607


def fill(directory: Path, leave: int = 0) -> None:
    with (directory / "filler").open("ab") as filler:
        while shutil.disk_usage(directory).free > leave:
            try:
                filler.write(b"\0" * 4096)
                filler.flush()
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break


def files(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()} - {"filler"}


def main() -> None:
    args = parse_args()
    with _infra.workdir("disk") as work, tmpfs(work / "media") as media:
        env = _infra.portal_env(
            database_url=f"sqlite:///{work / 'portal.sqlite3'}", redis_url="", media=work / "seed"
        )
        _infra.log("migrate + seed_demo (media of the demo on the ordinary disk)")
        _infra.manage(env, "migrate", "--verbosity", "0")
        _infra.manage(env, "seed_demo", "--verbosity", "0")
        env = _infra.portal_env(database_url=env["DATABASE_URL"], redis_url="", media=media)
        import django

        django.setup()
        from cases.models import Case, CaseMaterial

        with _infra.gunicorn(env, work, port=args.port, workers=args.concurrency):
            citizen = next(iter(_infra.CITIZENS))
            token = _infra.token(citizen, port=args.port)
            svc = _infra.service(port=args.port)

            def draft() -> str:
                status, body = _infra.api(
                    "POST",
                    "/api/v1/cases/",
                    token=token,
                    data={"matter": svc.code, "form": svc.forms[citizen]},
                    port=args.port,
                )
                assert status == 201, (status, body)
                return body["number"]

            def send(number: str, size: int) -> tuple[int, object]:
                content = _infra.material_pdf(size)
                return _infra.upload(
                    number, key=svc.material_key, content=content, token=token, port=args.port
                )

            _infra.log("phase 1: room on the disk")
            room = Counter(send(draft(), SMALL)[0] for _ in range(3))
            stored_before = files(media)

            _infra.log("phase 2: the disk is full")
            fill(media)
            full_numbers = [draft() for _ in range(args.uploads)]
            full = Counter()
            shapes_ok = True
            detail = ""
            for number in full_numbers:
                status, body = send(number, SMALL)
                full[status] += 1
                if status == 507:
                    detail = body["detail"]
                    shapes_ok &= isinstance(body, dict) and body.get("errors") == {
                        "file": [body["detail"]]
                    }
                else:
                    shapes_ok = False
            half_rows = CaseMaterial.objects.filter(case__number__in=full_numbers).count()
            partial_full = files(media) - stored_before

            _infra.log("phase 3: uploads racing for the last free space")
            os.remove(media / "filler")
            fill(media, leave=1400 * 1024)
            race_numbers = [draft() for _ in range(args.concurrency * args.rounds)]
            race = Counter()
            lock = threading.Lock()

            def racer(number: str) -> None:
                status, _body = send(number, LARGE)
                with lock:
                    race[status] += 1

            stored, orphans, missing, truncated = 0, 0, 0, 0
            for start in range(0, len(race_numbers), args.concurrency):
                batch = race_numbers[start : start + args.concurrency]
                threads = [threading.Thread(target=racer, args=(number,)) for number in batch]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                rows = list(CaseMaterial.objects.filter(case__number__in=batch))
                names = {row.file.name for row in rows}
                stored += len(rows)
                orphans += len(files(media) - stored_before - names)
                missing += sum(not (media / name).exists() for name in names)
                truncated += sum(
                    (media / row.file.name).exists()
                    and (media / row.file.name).stat().st_size != row.size
                    for row in rows
                )
                # The next round starts again with about 1.4 MiB free: room for one racer.
                for name in files(media) - stored_before:
                    (media / name).unlink()

            _infra.log("phase 4: room again")
            os.remove(media / "filler")
            after = Counter(send(draft(), SMALL)[0] for _ in range(3))
            server_errors = sum(
                line.count("Internal Server Error")
                for line in (work / "gunicorn.log").read_text(errors="replace").splitlines()
            )
            cases = Case.objects.filter(number__in=full_numbers + race_numbers).count()

        print()
        print(f"settings: {env['DJANGO_SETTINGS_MODULE']}")
        print(f"media disk: tmpfs {DISK_BYTES // 1024} KiB; uploads of {SMALL // 1024} KiB")
        print(f"phase 1, room:        {dict(room)}")
        print(f"phase 2, full disk:   {dict(full)}  ({args.uploads} uploads)")
        print(f"  message: {detail!r}")
        print(f"  material rows of refused uploads: {half_rows}; files left: {len(partial_full)}")
        print(
            f"phase 3, racing ({args.concurrency} at once, 1 MiB each, ~1.4 MiB free): {dict(race)}"
        )
        print(
            f"  stored: {stored}; partial files left behind: {orphans}; "
            f"rows without a file: {missing}; truncated files: {truncated}"
        )
        print(f"phase 4, room again:  {dict(after)}")
        print(
            f"drafts still there: {cases}; 'Internal Server Error' lines in gunicorn's log: "
            f"{server_errors}"
        )
        passed = _infra.verdict(
            "disk_full",
            {
                "uploads stored while there is room": room == Counter({201: 3}),
                "every upload on the full disk refused with 507": full
                == Counter({507: args.uploads}),
                "API error shape, message on the file field": shapes_ok,
                "nothing half-stored on the full disk (rows, files)": not half_rows
                and not partial_full,
                "racing uploads: only 201 or 507, never 500": set(race) <= {201, 507},
                "racing uploads: no partial file left, every row has its whole file": not orphans
                and not missing
                and not truncated,
                "uploads stored again once there is room": after == Counter({201: 3}),
                "no server error logged": server_errors == 0,
            },
        )
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
