"""The decision document (准予 / 不予批准决定书): its number, given in the approve or deny
transition, and its PDF, rendered on request by core.pdf like the receipt.

A decision number reads like those printed on real decisions: the department's short name,
the kind of decision, the year and a sequence per department, kind and year, e.g.
`宜市监准字〔2026〕第000123号` (approval) or `宜市监不准字〔2026〕第000007号` (denial).
"""

from django.template.loader import render_to_string
from django.utils import timezone

from cases.constants import Action, CaseState
from cases.models import Case, CaseNumberBlock
from core.pdf import PRINT_CSS, render_pdf
from identity.constants import Sector
from identity.models import Organisation

# The customary short names of each line of government in document numbers.
SECTOR_SHORT = {
    Sector.GOVERNMENT_SERVICES: "政数",
    Sector.DEVELOPMENT_REFORM: "发改",
    Sector.NATURAL_RESOURCES: "自规",
    Sector.HOUSING_CONSTRUCTION: "住建",
    Sector.ECOLOGY_ENVIRONMENT: "环",
    Sector.MARKET_REGULATION: "市监",
    Sector.PUBLIC_SECURITY: "公",
    Sector.HUMAN_RESOURCES: "人社",
    Sector.HEALTH: "卫健",
    Sector.CIVIL_AFFAIRS: "民",
    Sector.TAXATION: "税",
    Sector.HOUSING_FUND: "公积金",
    Sector.DISABLED_PERSONS: "残联",
    Sector.EDUCATION: "教",
    Sector.MEDICAL_SECURITY: "医保",
    Sector.TRANSPORT: "交",
}
KIND_WORD = {CaseState.APPROVED: "准", CaseState.DENIED: "不准"}


def department_short_name(department: Organisation) -> str:
    """宜市监 for 宜昌市市场监督管理局: the region's first character, then the sector's short
    name (the first two characters of the name after the region's when it has no sector)."""
    region_name = department.region.name if department.region_id else ""
    sector = SECTOR_SHORT.get(department.sector)
    if sector is None:
        sector = department.name.removeprefix(region_name)[:2]
    return f"{region_name[:1]}{sector}"


def decision_number_next(*, case: Case, outcome: str) -> str:
    """The next decision number of the case's department for this outcome and year. Taken
    inside the deciding transaction: the counter row stays locked until it commits, so two
    decisions never get the same number and a rolled-back decision gives its number back.

    The sequence belongs to the printed short name, not to the department: two departments
    may share one (宜昌市 and 宜都市 market regulators are both 宜市监), and then share the
    sequence, so their numbers never collide."""
    year = timezone.localdate().year
    kind = "A" if outcome == CaseState.APPROVED else "D"
    short = department_short_name(case.department)
    counter, _created = CaseNumberBlock.objects.select_for_update().get_or_create(
        prefix=f"decision-{short}-{year}-{kind}"
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{short}{KIND_WORD[outcome]}字〔{year}〕第{counter.last:06d}号"


def decision_html(*, case: Case) -> str:
    """The standalone HTML document the decision PDF is made from. `case` has its version,
    department (with region) and applicant loaded; its events give the decision's reason."""
    decision = (
        case.events.filter(action__in=[Action.APPROVE, Action.DENY]).select_related("actor").last()
    )
    return render_to_string(
        "cases/decision_document.html",
        {
            "case": case,
            "version": case.version,
            "decision": decision,
            "approved": decision is not None and decision.action == Action.APPROVE,
            "print_css": PRINT_CSS,
        },
    )


def decision_pdf(*, case: Case) -> bytes:
    return render_pdf(decision_html(case=case))
