"""Counter intake (一窗受理): the clerk finds the person by ID number and writes the
application with them as their agent, creating exactly the case an online application
would (docs/adr/0006-counter-intake.md)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.constants import CaseState, Channel
from cases.models import Case
from core.errors import NotAllowed, ValidationFailed
from identity.constants import AuditAction, AuthorisationBasis
from identity.models import AuditEvent, Authorisation, User
from tests.cases.conftest import pdf_file
from tests.factories import AuthorisationFactory, UserFactory
from tests.windows.conftest import clerk_of
from tests.windows.counter_setup import service
from windows import counter
from windows import services as window_services
from windows.views.counter_base import SESSION_PERSON

pytestmark = pytest.mark.django_db

NEW_PERSON = "420502196001010047"


@pytest.fixture
def version(hall):
    return service(hall)


@pytest.fixture
def at_window(client, clerk):
    client.force_login(clerk)
    return client


def _serve(client, person) -> None:
    response = client.post(reverse("windows:counter-person"), {"id_number": person.id_number})
    assert response.status_code == 302


def _intake(client, version, **extra):
    data = {
        "service": version.implementation.code,
        "basis": AuthorisationBasis.IN_PERSON,
        "token": "counter-token-0000000001",
        **extra,
    }
    return client.post(reverse("windows:counter-intake"), data)


# --- Finding the person ----------------------------------------------------------------


def test_the_workbench_puts_the_focus_on_the_id_number(at_window):
    response = at_window.get(reverse("windows:workbench"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="id_number"' in html
    assert "autofocus" in html


def test_a_person_found_by_id_number_is_shown_masked(at_window, clerk, citizen):
    _serve(at_window, citizen)
    assert at_window.session[SESSION_PERSON] == citizen.pk
    html = at_window.get(reverse("windows:workbench")).content.decode()
    assert citizen.masked_id_number in html
    assert citizen.id_number not in html
    read = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_READ)
    assert (read.actor, read.subject, read.detail) == (clerk, citizen, {"purpose": "counter"})


def test_an_invalid_id_number_is_refused_in_place(at_window):
    response = at_window.post(
        reverse("windows:counter-person"), {"id_number": "420502199003071235"}
    )
    assert response.status_code == 400
    assert "420502199003071235" in response.content.decode()  # what was typed stays
    assert SESSION_PERSON not in at_window.session


def test_a_person_without_account_needs_the_name_then_is_registered_without_password(
    at_window, clerk
):
    response = at_window.post(reverse("windows:counter-person"), {"id_number": NEW_PERSON})
    assert response.status_code == 400
    assert not User.objects.filter(id_number=NEW_PERSON).exists()

    response = at_window.post(
        reverse("windows:counter-person"), {"id_number": NEW_PERSON, "name": "刘 奶奶"}
    )
    assert response.status_code == 302
    person = User.objects.get(id_number=NEW_PERSON)
    assert person.name == "刘 奶奶"
    assert not person.has_usable_password()
    assert at_window.session[SESSION_PERSON] == person.pk
    entry = AuditEvent.objects.get(action=AuditAction.REGISTER, object_id=str(person.pk))
    assert entry.actor == clerk
    assert entry.detail == {"channel": "counter"}


def test_a_name_that_does_not_match_the_account_is_refused(at_window, citizen):
    response = at_window.post(
        reverse("windows:counter-person"), {"id_number": citizen.id_number, "name": "李四"}
    )
    assert response.status_code == 400
    assert SESSION_PERSON not in at_window.session


# --- Opening and writing the application ----------------------------------------------------


def test_a_counter_case_is_the_case_an_online_agent_would_make(at_window, clerk, citizen, version):
    _serve(at_window, citizen)
    response = _intake(at_window, version)
    case = Case.objects.get(created_by=clerk)
    assert response.status_code == 302
    assert response["Location"] == reverse("windows:counter-edit", args=[case.number])
    authorisation = case.authorisation
    assert (case.channel, case.applicant, case.agent, case.state) == (
        Channel.COUNTER,
        citizen,
        clerk,
        CaseState.DRAFT,
    )
    assert (authorisation.principal, authorisation.agent, authorisation.recorded_by) == (
        citizen,
        clerk,
        clerk,
    )
    assert authorisation.basis == AuthorisationBasis.IN_PERSON
    assert authorisation.matter_code == version.implementation.matter.basic_code
    assert authorisation.valid_until == timezone.localdate(case.created_at)

    # The same as an online application by an agent, but for channel and author.
    agent = UserFactory()
    AuthorisationFactory(principal=citizen, agent=agent)
    online = case_services.case_create(
        version=version, actor=agent, form_data={}, on_behalf_of=citizen
    )
    fields = ["version", "department", "region", "applicant", "state", "form_data", "fees_due"]
    assert [getattr(case, f) for f in fields] == [getattr(online, f) for f in fields]


def test_the_clerk_writes_uploads_and_submits_with_the_same_checks(at_window, citizen, version):
    _serve(at_window, citizen)
    _intake(at_window, version)
    case = Case.objects.get(channel=Channel.COUNTER)
    edit = reverse("windows:counter-edit", args=[case.number])

    # Submitting too early lists everything missing at once, and changes nothing.
    response = at_window.post(edit, {"applicant_name": "", "action": "submit"})
    assert response.status_code == 200
    assert "身份证" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.DRAFT

    at_window.post(edit, {"applicant_name": "张三", "action": "save"})
    upload = reverse("windows:counter-upload", args=[case.number])
    response = at_window.post(upload, {"material": "id_card", "file": pdf_file()})
    assert response.status_code == 302
    response = at_window.post(edit, {"applicant_name": "张三", "action": "submit"})
    assert response["Location"] == reverse("windows:counter-case", args=[case.number])
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert case.form_data == {"applicant_name": "张三"}
    assert case.materials.get().uploaded_by == case.agent


def test_a_bad_upload_is_refused_and_keeps_the_draft(at_window, citizen, version):
    _serve(at_window, citizen)
    _intake(at_window, version)
    case = Case.objects.get(channel=Channel.COUNTER)
    fake = io.BytesIO(b"MZ not a pdf")
    fake.name = "scan.pdf"
    response = at_window.post(
        reverse("windows:counter-upload", args=[case.number]), {"material": "id_card", "file": fake}
    )
    assert response.status_code == 415
    assert not case.materials.exists()


def test_a_double_click_opens_one_application(at_window, citizen, version):
    _serve(at_window, citizen)
    _intake(at_window, version)
    _intake(at_window, version)
    assert Case.objects.filter(channel=Channel.COUNTER).count() == 1
    assert Authorisation.objects.filter(principal=citizen).count() == 1


def test_a_paper_authorisation_needs_its_scan(at_window, clerk, citizen, version):
    _serve(at_window, citizen)
    response = _intake(at_window, version, basis=AuthorisationBasis.PAPER)
    assert response.status_code == 400
    assert not Case.objects.exists()
    assert not Authorisation.objects.exists()

    fake = io.BytesIO(b"GIF89a")
    fake.name = "authorisation.pdf"
    response = _intake(at_window, version, basis=AuthorisationBasis.PAPER, evidence=fake)
    assert response.status_code == 415
    assert not Case.objects.exists()
    assert not Authorisation.objects.exists()

    response = _intake(
        at_window, version, basis=AuthorisationBasis.PAPER, evidence=pdf_file("委托书.pdf")
    )
    assert response.status_code == 302
    authorisation = Case.objects.get().authorisation
    assert authorisation.basis == AuthorisationBasis.PAPER
    assert authorisation.evidence.name.startswith("identity/authorisations/")
    assert authorisation.evidence.name.endswith(".pdf")


def test_a_paper_authorisation_too_large_is_refused_with_413(at_window, citizen, version, settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 64
    _serve(at_window, citizen)
    response = _intake(
        at_window, version, basis=AuthorisationBasis.PAPER, evidence=pdf_file("委托书.pdf")
    )
    assert response.status_code == 413
    assert not Case.objects.exists()
    assert not Authorisation.objects.exists()


def test_a_window_takes_in_only_its_categories(at_window, hall, clerk, citizen, version):
    # Window 1 takes business registration; the service is a livelihood one.
    window_services.window_sign_in(clerk=clerk, window=hall.windows.get(number="1"))
    _serve(at_window, citizen)
    response = _intake(at_window, version)
    assert response.status_code == 400
    assert not Case.objects.exists()

    window_services.window_sign_in(clerk=clerk, window=hall.windows.get(number="5"))
    assert _intake(at_window, version).status_code == 302


def test_another_regions_service_is_not_taken_in(clerk, citizen, other_hall):
    with pytest.raises(ValidationFailed):
        counter.counter_intake(
            clerk=clerk, person=citizen, version=service(other_hall), basis="in_person"
        )
    assert not Case.objects.exists()


def test_a_clerk_cannot_take_in_their_own_application(clerk, version):
    with pytest.raises(NotAllowed):
        counter.counter_intake(clerk=clerk, person=clerk, version=version, basis="in_person")
    assert not Case.objects.exists()
    assert not Authorisation.objects.exists()


def test_the_application_needs_a_person_at_the_window(at_window, version):
    response = _intake(at_window, version)
    assert response.status_code == 302
    assert not Case.objects.exists()


# --- Refused side ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["windows:workbench", "windows:pickup", "windows:deferred"])
def test_a_citizen_cannot_open_a_clerk_page(client, citizen, name):
    client.force_login(citizen)
    assert client.get(reverse(name)).status_code == 403


def test_a_citizen_cannot_take_in_an_application(client, citizen, version):
    client.force_login(citizen)
    session = client.session
    session[SESSION_PERSON] = citizen.pk
    session.save()
    assert _intake(client, version).status_code == 403
    response = client.post(
        reverse("windows:counter-person"), {"id_number": NEW_PERSON, "name": "某"}
    )
    assert response.status_code == 403
    assert not Case.objects.exists()
    assert not User.objects.filter(id_number=NEW_PERSON).exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("windows:workbench"))
    assert response.status_code == 302
    assert reverse("identity:sign-in") in response["Location"]


def test_another_halls_clerk_cannot_open_a_counter_draft(
    client, at_window, other_clerk, citizen, version
):
    _serve(at_window, citizen)
    _intake(at_window, version)
    case = Case.objects.get()
    client.force_login(other_clerk)
    for name in ("windows:counter-case", "windows:counter-edit"):
        assert client.get(reverse(name, args=[case.number])).status_code == 404
    response = client.post(
        reverse("windows:counter-edit", args=[case.number]),
        {"applicant_name": "改了", "action": "save"},
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.form_data == {}


def test_a_clerk_who_did_not_take_it_in_cannot_write_it(at_window, hall, citizen, version):
    _serve(at_window, citizen)
    _intake(at_window, version)
    case = Case.objects.get()
    at_window.force_login(clerk_of(hall))
    response = at_window.post(
        reverse("windows:counter-edit", args=[case.number]),
        {"applicant_name": "改了", "action": "save"},
    )
    # A draft is nobody's at the hall but its agent's: not even seen.
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.form_data == {}
    assert case.state == CaseState.DRAFT
