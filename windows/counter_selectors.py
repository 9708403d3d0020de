"""Reads of the counter: what the clerk's workbench, the acceptance page, the pickup list and
the list of 容缺 supplies show. Every list is limited to the cases of the clerk's hall (the
regions whose hall they serve, cases.policies.clerk_regions)."""

from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from cases import policies
from cases import selectors as case_selectors
from cases.constants import FINAL_STATES, CaseState, DeliveryMethod
from cases.models import Case, CaseEvent
from identity.models import User
from matters import selectors as matter_selectors
from matters.models import ImplementationVersion, Material
from windows import selectors as window_selectors

# Cases that are still running after acceptance: a deferred material can be awaited.
AFTER_ACCEPTANCE = frozenset({CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED})


def hall_regions(user: Any) -> list[int]:
    """The regions whose hall the user serves as a clerk (empty: not a clerk)."""
    return policies.clerk_regions(user)


def is_clerk(user: Any) -> bool:
    return bool(hall_regions(user))


def services_offered(*, clerk: Any, window: Any = None) -> QuerySet[ImplementationVersion]:
    """The published services the clerk takes in: those of their window's categories when
    signed in to one, else every service of their hall's region."""
    versions = matter_selectors.published_versions().filter(
        implementation__region_id__in=hall_regions(clerk)
    )
    if window is not None:
        versions = versions.filter(pk__in=window_selectors.versions_for_window(window).values("pk"))
    return versions.order_by("name", "pk")


def service_offered(*, clerk: Any, window: Any, version: ImplementationVersion) -> bool:
    return services_offered(clerk=clerk, window=window).filter(pk=version.pk).exists()


def _hall_cases(clerk: Any) -> QuerySet[Case]:
    return case_selectors.cases_for(clerk).filter(region_id__in=hall_regions(clerk))


def person_open_cases(*, clerk: Any, person: User) -> list[Case]:
    """The person's cases the clerk may see that are not closed, oldest first: the counter
    drafts the clerk writes for them and their cases in the hall's region."""
    return list(
        case_selectors.cases_for(clerk)
        .filter(applicant=person)
        .exclude(state__in=FINAL_STATES)
        .select_related("version")
        .order_by("created_at", "pk")[:50]
    )


def awaiting_acceptance(clerk: Any) -> QuerySet[Case]:
    """Submitted cases of the hall waiting for a decision on acceptance, oldest first."""
    return _hall_cases(clerk).filter(state=CaseState.SUBMITTED).order_by("submitted_at", "pk")


def counter_case(clerk: Any, number: str) -> Case | None:
    """One case of the clerk's hall (or a counter draft they write), with what the counter
    page shows in a fixed number of queries; None when it is not theirs to see."""
    return (
        case_selectors.cases_for(clerk)
        .filter(Q(region_id__in=hall_regions(clerk)) | Q(agent=clerk))
        .select_related("agent", "authorisation", "version__implementation__matter")
        .prefetch_related(
            "materials",
            "version__form_fields",
            "version__materials",
            Prefetch("events", queryset=CaseEvent.objects.select_related("actor")),
        )
        .filter(number=number)
        .first()
    )


def _at_window() -> Q:
    """The result is collected at the window: chosen so, or no choice made and offered."""
    return Q(delivery_method=DeliveryMethod.WINDOW) | Q(
        delivery_method="", version__delivery_window=True
    )


# A service of a combined application is delivered with its application, never alone while
# the application is still running (cases.bundle_flow): its result waits for the others.
DELIVERED_WITH_PARENT = (CaseState.ACCEPTED, CaseState.RESULT_ISSUED)


def _results(clerk: Any) -> QuerySet[Case]:
    """Results of the hall's cases ready to leave: the combined application, not its
    services one by one."""
    return (
        _hall_cases(clerk)
        .filter(state=CaseState.RESULT_ISSUED)
        .exclude(parent__state__in=DELIVERED_WITH_PARENT)
    )


def results_to_hand_out(clerk: Any, *, search: str = "") -> QuerySet[Case]:
    """Results waiting at the hall's window (综合窗口出件), oldest first; `search` is an exact
    case number, pickup code or the applicant's ID number."""
    results = _results(clerk).filter(_at_window())
    search = search.strip().upper()
    if search:
        results = results.filter(
            Q(number=search) | Q(pickup_code=search) | Q(applicant__id_number=search)
        )
    return results.order_by("decided_at", "pk")


def results_to_post(clerk: Any) -> QuerySet[Case]:
    """Results the hall sends by post, waiting for the carrier's tracking number."""
    return _results(clerk).filter(delivery_method=DeliveryMethod.POST).order_by("decided_at", "pk")


def deferred_supplies(user: Any, *, today: date, overdue_only: bool = False) -> QuerySet[Case]:
    """容缺受理 cases still waiting for materials, by supply date: a clerk sees those of
    their hall, a supervisor all; `overdue_only` keeps those past their date."""
    cases = case_selectors.cases_for(user).filter(
        state__in=AFTER_ACCEPTANCE,
        deferred_until__isnull=False,
        deferred_supplied_at__isnull=True,
    )
    if overdue_only:
        cases = cases.filter(deferred_until__lt=today)
    return cases.order_by("deferred_until", "pk")


def material_names(cases: Any) -> dict[tuple[int, str], str]:
    """The names of the materials of these cases' versions, by (version, key), in one query."""
    versions = {case.version_id for case in cases}
    return {
        (version, key): name
        for version, key, name in Material.objects.filter(version_id__in=versions).values_list(
            "version_id", "key", "name"
        )
    }
