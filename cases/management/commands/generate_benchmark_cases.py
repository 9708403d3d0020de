"""Add many cases quickly, for the queue benchmark (benchmarks/review_queue.py): never on a database
that matters. Rows are written with bulk_create in batches, without events or audit entries.

    manage.py generate_benchmark_cases --total 1000000 \\
        --department 11420500MB0000006G --department-cases 100000

The cases are filed under the published services of the demo catalogue (`seed_demo` first):
`--department-cases` of them under the services of `--department`, the rest under the other
departments' services. States follow a working portal's mix: most cases delivered, about a
fifth in the queue states (accepted, in review, suspended, consulting, waiting for the
applicant), with deadlines from three weeks overdue to six weeks ahead, claimed by the
department's reviewers (twenty benchmark reviewers are added to `--department`).
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cases.constants import CaseState, Channel
from cases.models import Case
from identity.constants import Role
from identity.models import Membership, Organisation, User
from identity.validators import id_number_check_char
from matters import selectors as matter_selectors

# (state, weight): the share of each state among the generated cases.
STATES = [
    (CaseState.DELIVERED, 75),
    (CaseState.RESULT_ISSUED, 2),
    (CaseState.SUBMITTED, 2),
    (CaseState.DRAFT, 1),
    (CaseState.ACCEPTED, 6),
    (CaseState.IN_REVIEW, 8),
    (CaseState.SUSPENDED, 2),
    (CaseState.CONSULTING, 1),
    (CaseState.CORRECTION_REQUESTED, 3),
]
CLAIMED_STATES = {
    CaseState.IN_REVIEW,
    CaseState.SUSPENDED,
    CaseState.CONSULTING,
    CaseState.CORRECTION_REQUESTED,
}
CHANNELS = [(Channel.ONLINE, 70), (Channel.COUNTER, 25), (Channel.API, 5)]
APPLICANTS = 2000
BENCH_REVIEWERS = 20


def _id_number(sequence: int) -> str:
    """A valid citizen ID number of a benchmark person (born 1960–1999 in 伍家岗区)."""
    born = date(1960, 1, 1) + timedelta(days=sequence % 14600)
    first17 = f"420503{born:%Y%m%d}{sequence // 14600 % 1000:03d}"
    return first17 + id_number_check_char(first17)


class Command(BaseCommand):
    help = "Add many cases quickly for the queue benchmark (bulk_create, no events)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--total", type=int, required=True, help="cases to add")
        parser.add_argument("--department", required=True, help="credit code")
        parser.add_argument("--department-cases", type=int, required=True)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=20261122)

    def handle(self, *args: Any, **options: Any) -> None:
        total, mine = options["total"], options["department_cases"]
        if not 0 <= mine <= total:
            raise CommandError("--department-cases must be between 0 and --total.")
        department = Organisation.objects.filter(credit_code=options["department"]).first()
        if department is None:
            raise CommandError("No department has this credit code (run seed_demo first).")
        versions = list(
            matter_selectors.published_versions().select_related("implementation__region")
        )
        own = [v for v in versions if v.implementation.department_id == department.pk]
        others = [v for v in versions if v.implementation.department_id != department.pk]
        if not own or (mine < total and not others):
            raise CommandError("The catalogue has no published service for these cases.")
        rng = random.Random(options["seed"] + Case.objects.count())  # noqa: S311  # nosec B311
        applicants = self._applicants()
        reviewers = self._reviewers(department)
        start = Case.objects.count()
        today = timezone.localdate()
        states, state_weights = zip(*STATES, strict=True)
        channels, channel_weights = zip(*CHANNELS, strict=True)
        written = 0
        while written < total:
            size = min(options["batch"], total - written)
            rows = []
            for offset in range(size):
                index = written + offset
                version = rng.choice(own) if index < mine else rng.choice(others)
                rows.append(
                    self._case(
                        rng=rng,
                        sequence=start + index + 1,
                        version=version,
                        state=rng.choices(states, state_weights)[0],
                        channel=rng.choices(channels, channel_weights)[0],
                        applicant=rng.choice(applicants),
                        reviewers=reviewers if index < mine else [],
                        today=today,
                    )
                )
            with transaction.atomic():
                Case.objects.bulk_create(rows, batch_size=options["batch"])
            written += size
            if written % (options["batch"] * 20) == 0 or written == total:
                self.stdout.write(f"{written} / {total}")

    def _applicants(self) -> list[int]:
        """The ids of the benchmark applicants, made once."""
        wanted = [_id_number(n) for n in range(APPLICANTS)]
        existing = set(
            User.objects.filter(id_number__in=wanted).values_list("id_number", flat=True)
        )
        User.objects.bulk_create(
            User(id_number=n, name=f"测试申请人{i}", password="!")  # noqa: S106 - unusable  # nosec B106
            for i, n in enumerate(wanted)
            if n not in existing
        )
        return list(User.objects.filter(id_number__in=wanted).values_list("pk", flat=True))

    def _reviewers(self, department: Organisation) -> list[int]:
        """The department's reviewers, with twenty benchmark reviewers added once."""
        wanted = [_id_number(APPLICANTS + n) for n in range(BENCH_REVIEWERS)]
        existing = set(
            User.objects.filter(id_number__in=wanted).values_list("id_number", flat=True)
        )
        User.objects.bulk_create(
            User(id_number=n, name=f"测试审批人{i}", password="!")  # noqa: S106 - unusable  # nosec B106
            for i, n in enumerate(wanted)
            if n not in existing
        )
        for user in User.objects.filter(id_number__in=wanted):
            Membership.objects.get_or_create(user=user, organisation=department, role=Role.REVIEWER)
        return list(
            Membership.objects.filter(
                organisation=department, role=Role.REVIEWER, is_active=True
            ).values_list("user_id", flat=True)
        )

    def _case(
        self,
        *,
        rng: random.Random,
        sequence: int,
        version: Any,
        state: str,
        channel: str,
        applicant: int,
        reviewers: list[int],
        today: date,
    ) -> Case:
        implementation = version.implementation
        case = Case(
            number=f"{implementation.region.code[:6]}-B{today:%Y%m%d}-{sequence:08d}",
            version=version,
            department_id=implementation.department_id,
            region_id=implementation.region_id,
            state=state,
            channel=channel,
            applicant_id=applicant,
            created_by_id=applicant,
        )
        if state == CaseState.DRAFT:
            return case
        moment = timezone.make_aware(datetime.combine(today, time(10)))
        case.submitted_at = moment - timedelta(days=rng.randint(1, 400))
        if state == CaseState.SUBMITTED:
            return case
        if state in (CaseState.DELIVERED, CaseState.RESULT_ISSUED):
            case.accepted_at = case.submitted_at
            case.deadline = case.accepted_at.date() + timedelta(days=10)
            case.decided_at = case.accepted_at + timedelta(days=rng.randint(1, 10))
            if state == CaseState.DELIVERED:
                case.delivered_at = case.decided_at + timedelta(days=1)
            return case
        # In the queue: due from three weeks ago to six weeks ahead.
        case.deadline = today + timedelta(days=rng.randint(-21, 42))
        case.accepted_at = moment - timedelta(days=rng.randint(0, 30))
        if state in CLAIMED_STATES and reviewers:
            case.claimed_by_id = rng.choice(reviewers)
            case.claimed_at = case.accepted_at
        if state == CaseState.SUSPENDED:
            case.suspended_since = today - timedelta(days=rng.randint(0, 10))
        return case
