"""Reads of the catalogue: search, service guides, version history, bundles."""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from identity.models import Organisation, Region
from matters.calendar import WorkingCalendar, year_is_known
from matters.constants import CalendarDayKind, VersionStatus
from matters.errors import SearchTooLong
from matters.models import (
    Bundle,
    BundleItem,
    CalendarOverride,
    FormField,
    Implementation,
    ImplementationVersion,
    Material,
    Theme,
)

SEARCH_MAX_LENGTH = 100


def published_versions() -> QuerySet[ImplementationVersion]:
    return ImplementationVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "implementation__matter",
        "implementation__region",
        "implementation__department",
    )


def _search_terms(q: str) -> list[str]:
    if len(q) > SEARCH_MAX_LENGTH:
        raise SearchTooLong(field="q")
    # Whitespace and punctuation separate terms; each term must match (AND).
    return [term for term in re.split(r"[\s,，、;；]+", q.strip()) if term][:8]


def implementation_search(
    *,
    q: str = "",
    department: str = "",
    region: str = "",
    online_depth: int | None = None,
    handling_kind: str = "",
    at_most_one_visit: bool = False,
    theme: str = "",
    audience: str = "",
) -> QuerySet[ImplementationVersion]:
    """Published implementations matching Chinese keywords, pinyin initials or codes, and the
    filters (department credit code, region code, depth, handling kind, 最多跑一次, theme)."""
    versions = published_versions()
    for term in _search_terms(q):
        versions = versions.filter(search_text__contains=term.lower())
    if department:
        versions = versions.filter(implementation__department__credit_code=department)
    if region:
        versions = versions.filter(implementation__region__code=region)
    if online_depth:
        versions = versions.filter(online_depth=online_depth)
    if handling_kind:
        versions = versions.filter(handling_kind=handling_kind)
    if at_most_one_visit:
        versions = versions.filter(visits_required__lte=1)
    if theme:
        versions = versions.filter(implementation__matter__themes__code=theme)
    if audience:
        versions = versions.filter(implementation__matter__audience__in=[audience, "both"])
    # An implementation code starts with its basic code: one key orders by both.
    return versions.order_by("implementation__code")


def published_version(code: str) -> ImplementationVersion | None:
    """The published service guide of an implementation code, with everything it shows."""
    return (
        published_versions()
        .filter(implementation__code=code)
        .prefetch_related("materials", "fees", "form_fields", "implementation__matter__themes")
        .first()
    )


def version_to_apply_for(code: str) -> ImplementationVersion | None:
    """The published version of an implementation code with what an application reads of
    it: its questions and materials (not the guide's fees and themes)."""
    return (
        published_versions()
        .filter(implementation__code=code)
        .prefetch_related("materials", "form_fields")
        .first()
    )


def version_history(implementation: Implementation) -> QuerySet[ImplementationVersion]:
    return implementation.versions.select_related("created_by").order_by("-number")


def themes() -> QuerySet[Theme]:
    return Theme.objects.all()


def published_bundles() -> QuerySet[Bundle]:
    return Bundle.objects.filter(is_published=True).order_by("name")


def bundle_published(code: str) -> Bundle | None:
    """A bundle with its items, each item's published version and that version's materials
    and form fields loaded in a fixed number of queries."""
    versions = ImplementationVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return (
        published_bundles()
        .filter(code=code)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=BundleItem.objects.select_related(
                    "implementation__department", "implementation__matter"
                ).prefetch_related(
                    Prefetch(
                        "implementation__versions",
                        queryset=versions.prefetch_related("materials", "form_fields"),
                        to_attr="published",
                    )
                ),
            )
        )
        .first()
    )


@dataclass
class MergedBundle:
    """The one form and one set of materials of a bundle: shared keys asked once."""

    fields: list[FormField] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    versions: list[ImplementationVersion] = field(default_factory=list)


def bundle_merged(bundle: Bundle) -> MergedBundle:
    """Merge the published versions of a bundle loaded by `bundle_published`: the first
    item that asks a field key or a material key defines it for the whole bundle."""
    merged = MergedBundle()
    seen_fields: set[str] = set()
    seen_materials: set[str] = set()
    for item in bundle.items.all():
        published = getattr(item.implementation, "published", [])
        if not published:
            continue
        version = published[0]
        merged.versions.append(version)
        for form_field in version.form_fields.all():
            if form_field.key not in seen_fields:
                seen_fields.add(form_field.key)
                merged.fields.append(form_field)
        for material in version.materials.all():
            if material.key not in seen_materials:
                seen_materials.add(material.key)
                merged.materials.append(material)
    return merged


def working_calendar() -> WorkingCalendar:
    """The working-day calendar with the admins' overrides (few rows: loaded whole)."""
    overrides = {
        day: kind == CalendarDayKind.WORKDAY
        for day, kind in CalendarOverride.objects.values_list("date", "kind")
    }
    return WorkingCalendar(overrides=overrides)


def calendar_years_needing_attention(*, today: date) -> list[int]:
    """This year and next if the bundled calendar does not know them: admins should enter
    that year's holidays and make-up days as overrides."""
    return [year for year in (today.year, today.year + 1) if not year_is_known(year)]


def _published_in(field: str) -> Exists:
    return Exists(
        ImplementationVersion.objects.filter(
            status=VersionStatus.PUBLISHED, **{f"implementation__{field}": OuterRef("pk")}
        )
    )


def departments_offering_services() -> QuerySet[Organisation]:
    """Departments with at least one published service (a semi-join: cheap at any size)."""
    return Organisation.objects.filter(_published_in("department")).order_by("name")


def regions_offering_services() -> QuerySet[Region]:
    return Region.objects.filter(_published_in("region")).order_by("code")


def departments_with_service_counts() -> QuerySet[Organisation]:
    """Departments with how many published services each, for the catalogue home."""
    return (
        Organisation.objects.filter(implementations__versions__status=VersionStatus.PUBLISHED)
        .annotate(published_count=Count("implementations", distinct=True))
        .order_by("name")
    )


def regions_with_service_counts() -> QuerySet[Region]:
    return (
        Region.objects.filter(implementations__versions__status=VersionStatus.PUBLISHED)
        .annotate(published_count=Count("implementations", distinct=True))
        .order_by("code")
    )


def public_version_history(implementation: Implementation) -> QuerySet[ImplementationVersion]:
    """The versions the public may see: published and retired, never a draft."""
    return version_history(implementation).exclude(status=VersionStatus.DRAFT)


def published_material(*, code: str, key: str) -> Material | None:
    return (
        Material.objects.filter(
            version__status=VersionStatus.PUBLISHED, version__implementation__code=code, key=key
        )
        .select_related("version__implementation")
        .first()
    )
