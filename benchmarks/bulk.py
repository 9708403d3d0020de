"""Many cases, quickly, for the benchmarks that need volume (review_queue.py, load.py).

`grow_cases` tops the database up to a total number of cases with the management command
`generate_benchmark_cases` (bulk_create in batches, no events or audit entries), a share of
them in one department, then runs ANALYZE so that the planner sees the new volume. Django must
be set up in the calling process (it counts the cases); the command runs in a subprocess with
the environment given, so its memory is not this process's.
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DEPARTMENT = "11420500MB0000006G"  # 宜昌市市场监督管理局 of the demo


def manage(*arguments: str, env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments, "--skip-checks"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def grow_cases(
    total: int, *, env: dict[str, str], department: str = DEPARTMENT, share: float = 0.1
) -> float | None:
    """Add cases until there are `total`, `share` of all of them under `department`'s
    services; the seconds it took (generation and ANALYZE), None when there were enough."""
    from django.db import connection

    from cases.models import Case

    have = Case.objects.count()
    mine = Case.objects.filter(department__credit_code=department).count()
    if total <= have:
        return None
    began = time.perf_counter()
    manage(
        "generate_benchmark_cases", "--total", str(total - have),
        "--department", department,
        "--department-cases", str(max(0, round(total * share) - mine)),
        env=env,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - began
