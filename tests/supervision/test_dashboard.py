"""The dashboard pages: who may see them, their filters, the cases behind the figures, the
table downloads and the navigation entry."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.constants import CaseState
from identity.constants import AuditAction, Role
from identity.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.factories.matters import VersionFactory
from tests.supervision.dashboard_data import make_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def supervisor(client, english):
    user = MembershipFactory(role=Role.SUPERVISOR).user
    client.force_login(user)
    return user


@pytest.fixture
def service():
    return VersionFactory(name="企业设立登记", promised_limit_days=5, statutory_limit_days=20)


@pytest.fixture
def late_case(service):
    return make_case(
        service,
        state=CaseState.APPROVED,
        accepted=TODAY - timedelta(days=10),
        decided=TODAY - timedelta(days=1),
        deadline=TODAY - timedelta(days=3),
    )


def test_a_supervisor_sees_the_reform_targets_with_charts_and_tables(client, supervisor, late_case):
    response = client.get("/supervision/")

    assert response.status_code == 200
    page = response.content.decode()
    assert '<svg class="chart"' in page
    assert '<title id="chart-kpis-title">Reform targets</title>' in page
    assert "Online availability (网上可办率)" in page
    assert "Cities and counties (State Council plan, 2019): at least 70%" in page
    # The period shown is the default one, filled into the form.
    assert f'value="{TODAY.isoformat()}"' in page
    assert late_case.department.name in page


def test_people_without_a_supervising_role_are_refused_and_the_refusal_is_audited(client):
    reviewer = MembershipFactory(role=Role.REVIEWER).user
    client.force_login(reviewer)

    response = client.get("/supervision/")

    assert response.status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (refusal.actor_id, refusal.object_id) == (reviewer.pk, "/supervision/")
    assert client.get("/supervision/cases/").status_code == 403
    assert client.get("/supervision/tables/kpis.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/supervision/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_bad_filters_are_shown_on_their_fields_and_kept(client, supervisor, late_case):
    response = client.get("/supervision/", {"since": "2026-13-01", "department": "nonsense"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-13-01"' in page
    assert "Enter a valid date." in page
    assert "Select a valid choice." in page


def test_a_department_head_sees_only_their_department(client, english, late_case):
    other = make_case(VersionFactory(name="食品经营许可"), state=CaseState.SUBMITTED)
    head = MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=late_case.department).user
    client.force_login(head)

    page = client.get("/supervision/").content.decode()
    listed = client.get("/supervision/cases/").content.decode()
    refused = client.get("/supervision/", {"department": other.department.credit_code})

    assert "You see your own department only." in page
    assert other.department.name not in page
    assert late_case.number in listed
    assert other.number not in listed
    assert other.department.name not in refused.content.decode().split("<main")[1]


def test_each_figure_links_to_the_cases_behind_it(client, supervisor, service, late_case):
    on_time = make_case(
        service,
        state=CaseState.APPROVED,
        accepted=TODAY - timedelta(days=5),
        decided=TODAY - timedelta(days=2),
        deadline=TODAY,
    )
    page = client.get("/supervision/").content.decode()
    assert "figure=decided_late" in page

    late = client.get("/supervision/cases/", {"figure": "decided_late"}).content.decode()
    decided = client.get("/supervision/cases/", {"figure": "decided"}).content.decode()

    assert late_case.number in late
    assert on_time.number not in late
    assert late_case.number in decided
    assert on_time.number in decided


def test_the_case_list_pages_by_keyset_without_counting(
    client, supervisor, service, django_assert_max_num_queries, settings
):
    cases = [make_case(service, state=CaseState.SUBMITTED) for _ in range(3)]
    from supervision.views import dashboard

    dashboard.CASE_PAGE_SIZE, previous = 2, dashboard.CASE_PAGE_SIZE
    try:
        first = client.get("/supervision/cases/", {"figure": "open"})
        next_url = first.context["next_url"]
        second = client.get("/supervision/cases/" + next_url)
    finally:
        dashboard.CASE_PAGE_SIZE = previous

    assert [c.number for c in first.context["cases"]] == [cases[2].number, cases[1].number]
    assert [c.number for c in second.context["cases"]] == [cases[0].number]
    assert second.context["next_url"] == ""


def test_tables_download_as_csv_and_xlsx(client, supervisor, late_case):
    response = client.get("/supervision/tables/performance.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][:4] == ["Department", "Decided", "Decided on time", "On time (%)"]
    assert rows[1][:4] == [late_case.department.name, "1", "0", "0.0"]

    response = client.get("/supervision/tables/kpis.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["Figure", "Value"]
    assert sheet["A2"].value == "Online availability (网上可办率)"


def test_unknown_tables_and_formats_are_not_found(client, supervisor):
    assert client.get("/supervision/tables/secrets.csv").status_code == 404
    assert client.get("/supervision/tables/kpis.pdf").status_code == 404


def test_a_cell_that_looks_like_a_formula_is_neutralised():
    from supervision.exports import safe_cell

    assert [safe_cell("=HYPERLINK(1)"), safe_cell("+1"), safe_cell("中文"), safe_cell(3)] == [
        "'=HYPERLINK(1)",
        "'+1",
        "中文",
        3,
    ]


def test_the_menu_shows_supervision_to_supervisors_only(client, supervisor):
    assert 'href="/supervision/"' in client.get("/").content.decode()

    client.force_login(UserFactory())
    assert 'href="/supervision/"' not in client.get("/").content.decode()


def test_the_period_may_not_exceed_the_limit(client, supervisor):
    response = client.get(
        "/supervision/", {"since": "2020-01-01", "until": date(2026, 1, 1).isoformat()}
    )

    assert "Choose a period of at most 400 days." in response.content.decode()


def test_cards_and_complaints_are_charted_by_department(client, supervisor, late_case):
    from supervision.models import Card
    from tests.supervision.dashboard_data import complain

    Card.objects.create(
        kind="case_deadline",
        subject_id=str(late_case.pk),
        colour="red",
        case=late_case,
        department=late_case.department,
        due=TODAY - timedelta(days=3),
        raised_at=timezone.now(),
    )
    complain(
        department=late_case.department,
        received=TODAY - timedelta(days=4),
        assigned=TODAY - timedelta(days=4),
        due=TODAY - timedelta(days=1),
        answered=TODAY - timedelta(days=2),
        state="answered",
    )

    page = client.get("/supervision/").content.decode()

    cards = page.split('<title id="chart-cards-title">')[1].split("</svg>")[0]
    assert cards.startswith("Deadline cards, by department</title>")
    assert late_case.department.name in cards
    assert ">1 / 0</text>" in cards  # one open, none closed in the period
    complaints = page.split('<title id="chart-complaints-title">')[1].split("</svg>")[0]
    assert late_case.department.name in complaints
    assert ">100% / 100%</text>" in complaints
    assert 'class="chart-target"' in complaints
