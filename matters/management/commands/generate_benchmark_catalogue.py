"""Generate many published implementations for benchmarks (not for production data).

Rows are written with bulk_create for speed, bypassing the services on purpose: the
benchmark needs volume, and every generated row satisfies the same model constraints.
"""

import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from identity.constants import OrganisationKind
from identity.models import Organisation
from matters.constants import (
    Audience,
    HandlingKind,
    MatterType,
    OnlineDepth,
    VersionStatus,
    WindowCategory,
)
from matters.models import Implementation, ImplementationVersion, Material, Matter
from matters.services import search_text

# fmt: off
SUBJECTS = (
    "企业", "个体工商户", "食品", "建筑", "道路", "户籍", "社会保险", "公积金", "医疗", "教育",
    "不动产", "环境", "药品", "出入境",
)
ACTIONS = (
    "设立登记", "变更登记", "注销登记", "许可", "备案", "证明开具", "申领", "补领", "年检",
    "核准", "审批", "确认", "迁入",
)
# fmt: on


class Command(BaseCommand):
    help = "Create N published implementations (marked BM…) for the search benchmark."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--count", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args: Any, count: int, seed: int, **options: Any) -> None:
        departments = list(
            Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT).exclude(sector="")
        )
        if not departments:
            raise CommandError("Run seed_demo first: departments are needed.")
        existing = Matter.objects.filter(basic_code__startswith="BM").count()
        rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets  # nosec B311
        now = timezone.now()
        matters = [
            Matter(
                basic_code=f"BM{existing + i:010d}",
                name=f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{existing + i}",
                matter_type=rng.choice(MatterType.values),
                sector=departments[i % len(departments)].sector,
                audience=rng.choice(Audience.values),
            )
            for i in range(count)
        ]
        Matter.objects.bulk_create(matters, batch_size=1000)
        matters = list(Matter.objects.filter(basic_code__in=[m.basic_code for m in matters]))
        by_sector = {d.sector: d for d in departments}
        implementations = [
            Implementation(
                matter=matter,
                region=by_sector[matter.sector].region,
                department=by_sector[matter.sector],
                suffix="1-00",
                code=Implementation.build_code(
                    basic_code=matter.basic_code,
                    region_code=by_sector[matter.sector].region.code,
                    credit_code=by_sector[matter.sector].credit_code,
                    suffix="1-00",
                ),
            )
            for matter in matters
        ]
        Implementation.objects.bulk_create(implementations, batch_size=1000)
        implementations = Implementation.objects.filter(matter__in=matters).select_related("matter")
        versions = []
        for implementation in implementations:
            depth = rng.choice(OnlineDepth.values)
            immediate = rng.random() < 0.2
            statutory = rng.randint(5, 60)
            versions.append(
                ImplementationVersion(
                    implementation=implementation,
                    number=1,
                    status=VersionStatus.PUBLISHED,
                    published_at=now,
                    name=implementation.matter.name,
                    search_text=search_text(
                        name=implementation.matter.name, code=implementation.code
                    ),
                    legal_basis="《中华人民共和国行政许可法》",
                    conditions="符合法定条件。",
                    handling_kind=HandlingKind.IMMEDIATE if immediate else HandlingKind.PROMISED,
                    statutory_limit_days=statutory,
                    promised_limit_days=0 if immediate else rng.randint(0, statutory // 3),
                    visits_required=0 if depth == OnlineDepth.FULLY_ONLINE else rng.randint(0, 2),
                    online_depth=depth,
                    window_category=rng.choice(WindowCategory.values),
                    contact_phone="0717-12345",
                    hall_address="宜昌市政务服务中心",
                    hall_hours="工作日 9:00-17:00",
                )
            )
        ImplementationVersion.objects.bulk_create(versions, batch_size=1000)
        created = ImplementationVersion.objects.filter(implementation__matter__in=matters)
        Material.objects.bulk_create(
            [Material(version=v, key="id_card", name="身份证", original_count=1) for v in created],
            batch_size=1000,
        )
        self.stdout.write(self.style.SUCCESS(f"Created {count} published implementations."))
