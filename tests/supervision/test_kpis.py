"""The reform KPIs and the dashboard tables, computed from rows with known answers."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.constants import CaseState
from core.errors import NotFound, ValidationFailed
from identity.constants import RegionLevel, Role
from matters.constants import HandlingKind, MaterialSource, OnlineDepth, VersionStatus
from supervision import dashboards, kpis
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
)
from tests.factories.matters import ImplementationFactory, MaterialFactory, VersionFactory
from tests.supervision.dashboard_data import complain, make_case, rate

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 31)
MARCH = {"since": "2026-03-01", "until": "2026-03-31", "today": TODAY}


@pytest.fixture
def supervisor():
    return MembershipFactory(role=Role.SUPERVISOR).user


def scope(user, **filters):
    return dashboards.scope_for(user, **{**MARCH, **filters})


def by_key(found):
    return {kpi.key: kpi for kpi in found}


def version(**fields):
    defaults = {"online_depth": OnlineDepth.FULLY_ONLINE, "visits_required": 0}
    return VersionFactory(**{**defaults, **fields})


def test_catalogue_kpis_count_published_services_only(supervisor):
    version(online_depth=OnlineDepth.FULLY_ONLINE, statutory_limit_days=20, promised_limit_days=2)
    version(
        online_depth=OnlineDepth.PRE_CHECK,
        visits_required=1,
        statutory_limit_days=10,
        promised_limit_days=10,
    )
    version(
        online_depth=OnlineDepth.DOWNLOAD,
        visits_required=2,
        statutory_limit_days=0,
        promised_limit_days=0,
        handling_kind=HandlingKind.IMMEDIATE,
    )
    version(online_depth=OnlineDepth.INFORMATION, visits_required=2)
    version(status=VersionStatus.DRAFT, online_depth=OnlineDepth.INFORMATION, visits_required=2)

    found = by_key(kpis.reform_kpis(scope(supervisor)))

    online = found["online_availability"]
    assert (online.numerator, online.denominator, online.value) == (2, 4, 50.0)
    assert online.target is kpis.TARGET_ONLINE_LOCAL  # the factories' region is a city
    assert online.met is False
    assert (found["one_visit"].numerator, found["one_visit"].value) == (2, 50.0)
    assert found["one_visit"].target is None
    assert found["one_visit"].met is None


def test_compression_is_the_average_reduction_over_services_with_a_statutory_limit(supervisor):
    version(statutory_limit_days=20, promised_limit_days=2)
    version(statutory_limit_days=10, promised_limit_days=10)
    version(statutory_limit_days=0, promised_limit_days=0, handling_kind=HandlingKind.IMMEDIATE)

    compression = by_key(kpis.reform_kpis(scope(supervisor)))["time_compression"]

    assert (compression.value, compression.denominator, compression.met) == (45.0, 2, False)


def test_the_province_target_applies_to_a_province(supervisor):
    province = RegionFactory(code="420000000000", name="湖北省", level=RegionLevel.PROVINCE)
    version(implementation=ImplementationFactory(region=province))

    online = by_key(kpis.reform_kpis(scope(supervisor, region=province.code)))[
        "online_availability"
    ]

    assert (online.value, online.target, online.met) == (100.0, kpis.TARGET_ONLINE_PROVINCE, True)


def test_one_window_share_counts_acceptances_by_window_clerks(supervisor):
    service = version()
    centre = DepartmentFactory(region=service.implementation.region)
    clerk = MembershipFactory(role=Role.CLERK, organisation=centre).user
    reviewer = MembershipFactory(
        role=Role.REVIEWER, organisation=service.implementation.department
    ).user
    make_case(service, state=CaseState.ACCEPTED, accepted=date(2026, 3, 2), accepted_by=clerk)
    make_case(service, state=CaseState.ACCEPTED, accepted=date(2026, 3, 3), accepted_by=clerk)
    make_case(service, state=CaseState.ACCEPTED, accepted=date(2026, 3, 4), accepted_by=reviewer)
    make_case(service, state=CaseState.ACCEPTED, accepted=date(2026, 2, 27), accepted_by=reviewer)

    window = by_key(kpis.reform_kpis(scope(supervisor)))["one_window"]

    assert (window.numerator, window.denominator, window.value) == (2, 3, 66.7)
    assert window.met is False


def test_on_time_completion_and_handling_against_promised_days(supervisor):
    service = version()
    make_case(
        service,
        state=CaseState.APPROVED,
        accepted=date(2026, 3, 2),
        decided=date(2026, 3, 6),
        deadline=date(2026, 3, 9),
    )
    make_case(
        service,
        state=CaseState.DENIED,
        accepted=date(2026, 3, 2),
        decided=date(2026, 3, 12),
        deadline=date(2026, 3, 9),
    )
    make_case(
        service, state=CaseState.IN_REVIEW, accepted=date(2026, 3, 20), deadline=date(2026, 3, 25)
    )

    rows = dashboards.case_table(scope(supervisor))

    assert len(rows) == 1
    row = rows[0]
    assert (row.decided, row.on_time, row.late, row.on_time_rate) == (2, 1, 1, 50.0)
    # Handling 4 and 10 days; promised 7 and 7 days (calendar days from acceptance).
    assert (row.average_handling_days, row.average_promised_days) == (7.0, 7.0)
    assert (row.accepted, row.overdue) == (3, 1)
    assert row.open_by_state[CaseState.IN_REVIEW] == 1
    on_time = by_key(kpis.dashboard_figures(scope(supervisor)).kpis)["on_time_completion"]
    assert (on_time.numerator, on_time.denominator, on_time.value) == (1, 2, 50.0)


def test_materials_reduction_weights_each_guide_by_its_cases(supervisor):
    service = version()
    MaterialFactory(version=service, key="id_card")
    MaterialFactory(
        version=service, key="licence", source=MaterialSource.CERTIFICATE, certificate_type="yyzz"
    )
    MaterialFactory(
        version=service, key="household", source=MaterialSource.SHARED_DATA, shared_resource="hj"
    )
    plain = version()
    MaterialFactory(version=plain, key="id_card")
    for day in (2, 3):
        make_case(service, state=CaseState.ACCEPTED, accepted=date(2026, 3, day))
    make_case(plain, state=CaseState.ACCEPTED, accepted=date(2026, 3, 4))

    figures = kpis.materials_figures(scope(supervisor))

    assert figures == {
        "asked": 7,
        "reusable": 4,
        "reused": 0,
        "from_certificates": 0,
        "from_sharing": 0,
    }
    reusable = by_key(kpis.reform_kpis(scope(supervisor)))["materials_reusable"]
    assert (reusable.value, reusable.met) == (57.1, False)


def test_complaint_and_rating_kpis(supervisor):
    service = version()
    department = service.implementation.department
    ended = make_case(service, state=CaseState.DELIVERED, accepted=date(2026, 3, 2))
    other = make_case(service, state=CaseState.DELIVERED, accepted=date(2026, 3, 3))
    complain(
        department=department,
        received=date(2026, 3, 5),
        assigned=date(2026, 3, 5),
        answered=date(2026, 3, 9),
        due=date(2026, 3, 10),
        state="answered",
        case=ended,
    )
    complain(
        department=department,
        received=date(2026, 3, 5),
        assigned=date(2026, 3, 9),
        answered=date(2026, 3, 20),
        due=date(2026, 3, 12),
        state="answered",
    )
    complain(
        department=department,
        received=date(2026, 3, 28),
        assigned=date(2026, 3, 28),
        due=date(2026, 4, 10),
    )
    rate(ended, 1, date(2026, 3, 10), closed=date(2026, 3, 20))
    rate(other, 2, date(2026, 3, 11))

    found = by_key(kpis.dashboard_figures(scope(supervisor)).kpis)

    # Assignment was due the next day: the second came late.
    assert (found["complaint_forwarding"].numerator, found["complaint_forwarding"].denominator) == (
        2,
        3,
    )
    # The third is neither answered nor past its deadline yet.
    assert (found["complaint_reply"].numerator, found["complaint_reply"].denominator) == (1, 2)
    assert (found["complaint_rate"].value, found["complaint_rate"].unit) == (1500.0, "‰")
    # The second follow-up is neither closed nor past its deadline: not counted yet.
    assert (found["rectification"].numerator, found["rectification"].denominator) == (1, 1)
    assert found["rectification"].value == 100.0
    assert dashboards.rating_distribution(scope(supervisor)) == {1: 1, 2: 1, 3: 0, 4: 0, 5: 0}


def test_the_query_count_does_not_grow_with_the_data(supervisor):
    make_case(version(), state=CaseState.ACCEPTED, accepted=date(2026, 3, 2))
    march = scope(supervisor)
    with CaptureQueriesContext(connection) as small:
        kpis.dashboard_figures(march)
    for day in range(3, 20):
        make_case(
            version(),
            state=CaseState.APPROVED,
            accepted=date(2026, 3, day),
            decided=date(2026, 3, day + 1),
            deadline=date(2026, 3, 25),
        )

    with CaptureQueriesContext(connection) as large:
        figures = kpis.dashboard_figures(march)

    assert len(figures.departments) == 18
    # 15 queries, in a savepoint (on PostgreSQL also SET LOCAL jit = off).
    expected = 15 + (3 if connection.vendor == "postgresql" else 2)
    assert len(large) == len(small) == expected


def test_a_department_head_sees_only_their_department():
    service = version()
    head = MembershipFactory(
        role=Role.DEPARTMENT_HEAD, organisation=service.implementation.department
    ).user
    elsewhere = version()

    own = scope(head)

    assert own.departments == (service.implementation.department.pk,)
    with pytest.raises(ValidationFailed):
        scope(head, department=elsewhere.implementation.department.credit_code)


def test_people_without_a_supervising_role_have_no_dashboard():
    reviewer = MembershipFactory(role=Role.REVIEWER).user

    with pytest.raises(NotFound):
        dashboards.scope_for(reviewer)
    with pytest.raises(NotFound):
        dashboards.scope_for(UserFactory())


def test_bad_periods_are_field_errors(supervisor):
    with pytest.raises(ValidationFailed) as backwards:
        dashboards.scope_for(supervisor, since="2026-03-31", until="2026-03-01")
    with pytest.raises(ValidationFailed) as too_long:
        dashboards.scope_for(supervisor, since="2024-01-01", until="2026-03-01")
    with pytest.raises(ValidationFailed) as garbled:
        dashboards.scope_for(supervisor, since="31/03/2026")

    assert [backwards.value.field, too_long.value.field, garbled.value.field] == [
        "since",
        "since",
        "since",
    ]


def test_materials_taken_from_the_certificate_library_count_as_reused(supervisor):
    from certificates.constants import HolderKind
    from certificates.models import CertificateType, CertificateUse
    from certificates.services import certificate_issue

    service = version()
    MaterialFactory(version=service, key="id_card")
    MaterialFactory(
        version=service, key="licence", source=MaterialSource.CERTIFICATE, certificate_type="jzz"
    )
    case = make_case(service, state=CaseState.ACCEPTED, accepted=date(2026, 3, 2))
    CertificateType.objects.create(
        code="jzz", name="居住证", type_code="11100000000013338W001", holder_kind=HolderKind.PERSON
    )
    certificate = certificate_issue(
        type_code="jzz",
        holder_user=case.applicant,
        issuer=service.implementation.department,
        data={},
        actor=None,
    )
    CertificateUse.objects.create(
        certificate=certificate,
        case_reference=case.number,
        material_key="licence",
        purpose="免提交",
        used_by=case.applicant,
        used_at=case.accepted_at,
    )

    reduction = by_key(kpis.reform_kpis(scope(supervisor)))["materials_reduction"]

    assert (reduction.numerator, reduction.denominator, reduction.value) == (1, 2, 50.0)
    assert reduction.met is False
