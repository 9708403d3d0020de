"""Reads of the data sharing exchange: the catalogue, requests with their deadlines, grants,
usage figures, a person's data use log and the shared data used by applications."""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils.module_loading import import_string

from identity.models import Organisation, User
from matters.calendar import WorkingCalendar
from sharing import policies
from sharing.constants import (
    DEADLINE_WARNING_DAYS,
    AccessLogKind,
    ReadOutcome,
    RequestState,
)
from sharing.models import (
    AccessRequest,
    ApplicationUse,
    DataRead,
    Grant,
    Objection,
    Resource,
)

# --- catalogue ---------------------------------------------------------------------------


def published_resources(
    *, provider: str = "", sharing_class: str = "", subject_kind: str = ""
) -> QuerySet[Resource]:
    """The catalogue: published resources, filtered by provider credit code, class, kind."""
    resources = Resource.objects.filter(is_published=True).select_related("provider")
    if provider:
        resources = resources.filter(provider__credit_code=provider.upper())
    if sharing_class:
        resources = resources.filter(sharing_class=sharing_class)
    if subject_kind:
        resources = resources.filter(subject_kind=subject_kind)
    return resources.order_by("code")


def resource_by_code(code: str, *, published_only: bool = True) -> Resource | None:
    resources = Resource.objects.select_related("provider").filter(code=code)
    if published_only:
        resources = resources.filter(is_published=True)
    return resources.first()


def resources_provided_by(departments: Iterable[int]) -> QuerySet[Resource]:
    return Resource.objects.filter(provider_id__in=list(departments)).select_related("provider")


def departments(ids: Iterable[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=list(ids)).order_by("name"))


# --- grants ------------------------------------------------------------------------------


def usable_grants(
    *, consumer: Organisation, resource_codes: Iterable[str], today: date
) -> dict[str, tuple[Resource, list[str]]]:
    """For each published resource code, the fields the consumer may read today: all of them
    for its own resources, those of a live, unexpired grant otherwise (two queries)."""
    codes = set(resource_codes)
    if not codes:
        return {}
    resources = {
        r.code: r
        for r in Resource.objects.select_related("provider").filter(
            code__in=codes, is_published=True
        )
    }
    usable: dict[str, tuple[Resource, list[str]]] = {
        code: (resource, resource.field_keys)
        for code, resource in resources.items()
        if resource.provider_id == consumer.pk
    }
    grants = Grant.objects.filter(
        consumer=consumer,
        resource__in=[r for c, r in resources.items() if c not in usable],
        revoked_at__isnull=True,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    for grant in grants:
        resource = next(r for r in resources.values() if r.pk == grant.resource_id)
        grant.resource = resource
        if resource.sharing_class != "not_shared":
            usable[resource.code] = (resource, grant.granted_fields())
    return usable


def grants_visible_to(user: Any) -> QuerySet[Grant]:
    return (
        policies.grants_visible_to(user)
        .select_related("resource__provider", "consumer", "request")
        .order_by("resource__code", "consumer__name", "-created_at")
    )


def grants_for_department(department_id: int) -> QuerySet[Grant]:
    """The grants a department holds as a consumer (what its API keys may read)."""
    return (
        Grant.objects.filter(consumer_id=department_id)
        .select_related("resource__provider", "consumer")
        .order_by("resource__code", "-created_at")
    )


def grant_for(user: Any, public_id: Any) -> Grant | None:
    return grants_visible_to(user).filter(public_id=public_id).first()


# --- requests ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineStatus:
    due: date
    days_left: int  # negative when overdue
    level: str  # "ok", "warning" (yellow) or "danger" (red, overdue)


def deadline_status(
    due: date | None, *, calendar: WorkingCalendar, today: date
) -> DeadlineStatus | None:
    if due is None:
        return None
    if due >= today:
        days = calendar.working_days_between(today, due)
    else:
        days = -calendar.working_days_between(due, today)
    level = "danger" if days < 0 else "warning" if days <= DEADLINE_WARNING_DAYS else "ok"
    return DeadlineStatus(due=due, days_left=days, level=level)


def request_deadline(
    request: AccessRequest, *, calendar: WorkingCalendar, today: date
) -> DeadlineStatus | None:
    """The deadline running now: the platform's review, then the provider's decision."""
    if request.state == RequestState.PLATFORM_REVIEW:
        return deadline_status(request.platform_due, calendar=calendar, today=today)
    if request.state == RequestState.PROVIDER_REVIEW:
        return deadline_status(request.provider_due, calendar=calendar, today=today)
    return None


def requests_visible_to(user: Any) -> QuerySet[AccessRequest]:
    return policies.requests_visible_to(user).select_related(
        "resource__provider", "consumer", "requested_by", "grant"
    )


def requests_of_department(department_id: int) -> QuerySet[AccessRequest]:
    """The requests a department made (what its API key sees)."""
    return (
        AccessRequest.objects.filter(consumer_id=department_id)
        .select_related("resource", "consumer", "grant__resource")
        .order_by("-created_at", "-id")
    )


def request_for(user: Any, public_id: Any) -> AccessRequest | None:
    return requests_visible_to(user).filter(public_id=public_id).first()


def platform_queue(user: Any) -> QuerySet[AccessRequest]:
    """Requests waiting for the platform's review, the most urgent first."""
    if not policies.is_platform_reviewer(user):
        return AccessRequest.objects.none()
    return (
        requests_visible_to(user)
        .filter(state=RequestState.PLATFORM_REVIEW)
        .order_by("platform_due", "created_at")
    )


def provider_queue(user: Any) -> QuerySet[AccessRequest]:
    """Requests for the person's departments' resources waiting for their decision."""
    return (
        requests_visible_to(user)
        .filter(
            state=RequestState.PROVIDER_REVIEW,
            resource__provider_id__in=policies.sharing_departments(user),
        )
        .order_by("provider_due", "created_at")
    )


def requests_made_by(user: Any) -> QuerySet[AccessRequest]:
    return requests_visible_to(user).filter(consumer_id__in=policies.sharing_departments(user))


# --- usage -------------------------------------------------------------------------------


def usage(*, providers: Iterable[int] = (), consumers: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Reads per resource and consumer: served, refused, last read; for the resources of
    `providers` or by the `consumers` (one grouped query)."""
    condition = Q(resource__provider_id__in=list(providers)) | Q(consumer_id__in=list(consumers))
    return _usage(DataRead.objects.filter(condition))


def usage_all() -> list[dict[str, Any]]:
    """Reads per resource and consumer across the exchange (for the platform)."""
    return _usage(DataRead.objects.all())


def _usage(reads: QuerySet[DataRead]) -> list[dict[str, Any]]:
    return list(
        reads.filter(resource__isnull=False)
        .values("resource__code", "resource__name", "consumer__name")
        .annotate(
            served=Count("id", filter=Q(outcome=ReadOutcome.SERVED)),
            refused=Count("id", filter=~Q(outcome=ReadOutcome.SERVED)),
            last_read=Max("at"),
        )
        .order_by("resource__code", "consumer__name")
    )


# --- a person's data use log (数据使用记录) ------------------------------------------------


@dataclass(frozen=True)
class AccessLogEntry:
    """One read of a person's data, from the exchange or from the certificate library."""

    kind: str
    entry_id: str
    at: datetime
    reader: str  # the department that read
    what: str  # the resource or certificate
    fields: list[str] = field(default_factory=list)
    purpose: str = ""
    channel: str = ""
    reference: str = ""
    objected: bool = False
    # The reading department's id, for whoever handles an objection (never shown).
    reader_id: int | None = None

    @property
    def summary(self) -> str:
        return f"{self.what}: {', '.join(self.fields)}" if self.fields else self.what


def subjects_of(person: User) -> list[str]:
    """The identifiers whose reads the person may follow: their own ID number and the credit
    codes of the organisations they legally represent."""
    codes = list(
        Organisation.objects.filter(pk__in=policies.represented_organisations(person)).values_list(
            "credit_code", flat=True
        )
    )
    return [person.id_number, *codes]


def reads_about(person: User) -> QuerySet[DataRead]:
    """The reads served about the person (refused attempts gave nobody their data)."""
    return (
        DataRead.objects.filter(subject__in=subjects_of(person), outcome=ReadOutcome.SERVED)
        .select_related("consumer", "resource")
        .order_by("-at", "-id")
    )


def _from_read(read: DataRead, objected: set[str]) -> AccessLogEntry:
    resource = read.resource
    return AccessLogEntry(
        kind=AccessLogKind.DATA_READ,
        entry_id=str(read.public_id),
        at=read.at,
        reader=read.consumer.name if read.consumer else "",
        what=resource.name if resource else read.resource_code,
        fields=resource.field_labels(read.fields) if resource else list(read.fields),
        purpose=read.purpose,
        channel=read.get_channel_display(),
        reference=read.reference,
        objected=str(read.public_id) in objected,
        reader_id=read.consumer_id,
    )


# Other apps' logs of reads about a person, merged into the data use log: dotted paths in
# settings.SHARING_ACCESS_LOG_SOURCES of callables (person, *, limit) -> entries newest
# first (AccessLogEntry or objects with the same attributes), e.g. the certificate library's
# department reads. The exchange cannot import its sibling apps; the settings name them.
LogSource = Callable[..., Iterable[Any]]


def _log_sources() -> list[LogSource]:
    return [import_string(path) for path in getattr(settings, "SHARING_ACCESS_LOG_SOURCES", [])]


def _as_entry(item: Any, objected: set[str]) -> AccessLogEntry:
    if isinstance(item, AccessLogEntry):
        entry = item
    else:
        values = item if isinstance(item, dict) else vars(item)
        entry = AccessLogEntry(
            **{name: values[name] for name in AccessLogEntry.__dataclass_fields__ if name in values}
        )
    if entry.entry_id in objected:
        entry = AccessLogEntry(**{**entry.__dict__, "objected": True})
    return entry


class DataUseLog:
    """The person's data use log, newest first: the exchange's reads merged with those of the
    other sources. Sliceable and countable, so both paginators page it."""

    def __init__(self, person: User) -> None:
        self.person = person
        self._objected = set(person.data_objections.values_list("entry_id", flat=True))
        self._reads = reads_about(person)
        self._sources = _log_sources()
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._reads.count() + sum(
                len(list(source(self.person, limit=None))) for source in self._sources
            )
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[AccessLogEntry]:
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("The data use log is read in pages (slices).")
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        entries = [_from_read(read, self._objected) for read in self._reads[:stop]]
        for source in self._sources:
            entries.extend(
                _as_entry(item, self._objected) for item in source(self.person, limit=stop)
            )
        entries.sort(key=lambda entry: entry.at, reverse=True)
        return entries[start:stop]


def access_log_entry(person: User, *, kind: str, entry_id: str) -> AccessLogEntry | None:
    """One entry of the person's own log (None for anyone else's)."""
    if kind == AccessLogKind.DATA_READ:
        try:
            public_id = uuid.UUID(entry_id)
        except ValueError:
            return None
        read = reads_about(person).filter(public_id=public_id).first()
        return _from_read(read, set()) if read is not None else None
    for source in _log_sources():
        for item in source(person, limit=None):
            entry = _as_entry(item, set())
            if entry.kind == kind and entry.entry_id == entry_id:
                return entry
    return None


def objections_of(person: User) -> QuerySet[Objection]:
    return Objection.objects.filter(person=person).order_by("-created_at", "-id")


# --- applications ------------------------------------------------------------------------


def application_uses(reference: str) -> list[ApplicationUse]:
    """The shared data an application used, with the providing departments."""
    return list(
        ApplicationUse.objects.filter(reference=reference).select_related("resource__provider")
    )


def shared_material_counts(references: Iterable[str]) -> dict[str, int]:
    """Per application, how many of its materials were obtained by sharing (for the
    materials-reduction figure)."""
    counts: dict[str, int] = {}
    for reference, keys in ApplicationUse.objects.filter(
        reference__in=list(references)
    ).values_list("reference", "material_keys"):
        counts[reference] = counts.get(reference, 0) + len(keys)
    return counts


@dataclass(frozen=True)
class SharedMaterialRow:
    """A shared-data material of an application: obtained (from whom, when, what it said)
    or not (the department fetches it itself)."""

    key: str
    name: str
    resource: str
    provider: str
    obtained: bool
    obtained_at: datetime | None = None
    data: list[tuple[str, Any]] = field(default_factory=list)


def shared_materials_of(
    *, reference: str, materials: Iterable[tuple[str, str, str]]
) -> list[SharedMaterialRow]:
    """The application's shared-data materials ((key, name, resource code) triples), each
    with the data obtained for it when the application was made (two queries)."""
    wanted = list(materials)
    uses = {use.resource.code: use for use in application_uses(reference)}
    missing = {code for _key, _name, code in wanted if code not in uses}
    resources = {
        resource.code: resource
        for resource in Resource.objects.filter(code__in=missing).select_related("provider")
    }
    rows = []
    for key, name, code in wanted:
        use = uses.get(code)
        if use is not None and key in use.material_keys:
            labels = dict(zip(use.resource.field_keys, use.resource.field_labels(), strict=True))
            rows.append(
                SharedMaterialRow(
                    key=key,
                    name=name,
                    resource=use.resource.name,
                    provider=use.resource.provider.name,
                    obtained=True,
                    obtained_at=use.obtained_at,
                    data=[
                        (labels.get(field_key, field_key), value)
                        for field_key, value in use.data.items()
                        if value not in (None, "")
                    ],
                )
            )
            continue
        resource = resources.get(code) or (use.resource if use is not None else None)
        rows.append(
            SharedMaterialRow(
                key=key,
                name=name,
                resource=resource.name if resource is not None else code,
                provider=resource.provider.name if resource is not None else "",
                obtained=False,
            )
        )
    return rows
