"""The demo cases of `seed_demo` (issue 4, item 10): a dozen cases of the demo citizens and
the demo enterprise, in the states a case goes through."""

import io

import pytest
from django.core.management import call_command

from cases import selectors
from cases.constants import CaseState
from cases.demo import CITIZENS, DEMO_CASES, ENTERPRISE, GRANNY_WANG, LI_SI, ZHANG_SAN, demo_pdf
from cases.models import Case, CaseEvent, CaseMaterial
from cases.uploads import inspect_upload
from identity.models import Authorisation
from matters.constants import CrossRegionScope, MaterialRequirement, MaterialSource

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _demo_cases():
    """The dozen cases of cases.demo.seed_cases: the first ones seed_demo writes (the review
    queue, the combined application and the counter add theirs afterwards)."""
    first = Case.objects.order_by("pk").values_list("pk", flat=True)[: len(DEMO_CASES)]
    return Case.objects.filter(
        pk__in=list(first), applicant__id_number__in=CITIZENS
    ).select_related("applicant", "agent", "organisation", "authorisation", "version")


def test_seed_demo_adds_a_dozen_cases_in_nine_states():
    call_command("seed_demo")

    cases = list(_demo_cases())
    assert len(cases) == len(DEMO_CASES) == 12
    assert {case.state for case in cases} == {
        CaseState.DRAFT,
        CaseState.SUBMITTED,
        CaseState.CORRECTION_REQUESTED,
        CaseState.ACCEPTED,
        CaseState.IN_REVIEW,
        CaseState.SUSPENDED,
        CaseState.APPROVED,
        CaseState.RESULT_ISSUED,
        CaseState.DELIVERED,
    }
    by_applicant = {
        person: sorted(c.state for c in cases if c.applicant.id_number == person)
        for person in CITIZENS
    }
    assert by_applicant == {
        ZHANG_SAN: sorted(
            [
                "draft", "submitted", "correction_requested", "accepted", "in_review",
                "result_issued", "delivered", "submitted", "accepted", "approved",
            ]
        ),
        LI_SI: ["suspended"],
        GRANNY_WANG: ["accepted"],
    }  # fmt: skip


def test_every_demo_case_is_visible_to_its_applicant_and_agent():
    call_command("seed_demo")

    for case in _demo_cases():
        assert selectors.case_detail(case.applicant, case.number) == case
        assert selectors.cases_for(case.applicant).filter(pk=case.pk).exists()
        if case.agent is not None:
            assert selectors.cases_for(case.agent).filter(pk=case.pk).exists()


def test_every_timeline_leads_from_draft_to_the_state_of_its_case():
    call_command("seed_demo")

    for case in _demo_cases().prefetch_related("events"):
        events = list(case.events.all())
        chain = [CaseState.DRAFT.value] + [event.to_state for event in events]
        assert [event.from_state for event in events] == chain[:-1], case.number
        assert chain[-1] == case.state, case.number
        assert all(event.actor_id is not None for event in events)


def test_the_correction_request_and_the_suspension_give_their_reasons():
    call_command("seed_demo")

    events = CaseEvent.objects.filter(case__in=_demo_cases())
    correction = events.get(case__applicant__id_number=ZHANG_SAN, action="request_correction")
    suspension = events.get(case__applicant__id_number=LI_SI, action="suspend")
    assert correction.comment.startswith("上传的银行借记卡照片不清晰")
    assert suspension.comment.startswith("需向原户籍地北京市朝阳区公安分局核实")
    assert suspension.case.version.cross_region_scope == CrossRegionScope.NATIONWIDE


def test_the_enterprise_applies_through_its_legal_representative():
    call_command("seed_demo")

    cases = _demo_cases().filter(organisation__credit_code=ENTERPRISE)
    assert sorted((c.version.name, c.state) for c in cases) == [
        ("企业变更登记", "submitted"),
        ("特种设备使用登记", "approved"),
        ("食品经营许可", "accepted"),
    ]
    assert {c.applicant.id_number for c in cases} == {ZHANG_SAN}
    assert {c.form_data["credit_code"] for c in cases} == {ENTERPRISE}


def test_granny_wangs_case_is_applied_by_zhang_san_with_her_authorisation():
    call_command("seed_demo")

    case = _demo_cases().get(applicant__id_number=GRANNY_WANG)
    assert case.agent.id_number == ZHANG_SAN
    assert case.authorisation.principal_id == case.applicant_id
    assert case.authorisation.agent_id == case.agent_id
    assert case.authorisation.matter_code == case.version.implementation.matter.basic_code
    assert case.form_data["applicant_id_number"] == GRANNY_WANG


def test_submitted_cases_have_every_required_material_as_a_valid_pdf():
    call_command("seed_demo")

    for case in _demo_cases().exclude(state=CaseState.DRAFT).prefetch_related("materials"):
        required = {
            m.key
            for m in case.version.materials.all()
            if m.requirement == MaterialRequirement.REQUIRED and m.source == MaterialSource.UPLOAD
        }
        assert {m.material_key for m in case.materials.all()} == required, case.number
    materials = CaseMaterial.objects.filter(case__in=_demo_cases())
    assert materials.count() == 22
    for material in materials:
        with material.file.open("rb") as stored:
            content = stored.read()
        assert content.startswith(b"%PDF-1.4\n")
        assert content.endswith(b"%%EOF\n")
        assert material.content_type == "application/pdf"
        assert material.size == len(content)


def test_the_draft_still_lacks_two_materials():
    call_command("seed_demo")

    draft = _demo_cases().get(state=CaseState.DRAFT)
    assert draft.version.name == "网络预约出租汽车驾驶员证核发"
    assert list(draft.materials.values_list("material_key", flat=True)) == ["id_card"]
    assert draft.form_data["licence_first_date"] == "2012-08-20"
    assert draft.events.count() == 0


def test_the_demo_pdf_passes_the_upload_check():
    content = demo_pdf("Demo material: id_card (it's fine)")

    info = inspect_upload(file=io.BytesIO(content), name="身份证.pdf")

    assert info.kind == "pdf"
    # The xref offsets point at the objects.
    xref_at = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert content[xref_at:].startswith(b"xref\n0 6\n")
    first_offset = int(content[xref_at:].split(b"\n")[3][:10])
    assert content[first_offset:].startswith(b"1 0 obj\n")


def test_a_second_seed_demo_adds_no_case_and_no_authorisation():
    call_command("seed_demo")
    counts = (Case.objects.count(), CaseEvent.objects.count(), Authorisation.objects.count())

    call_command("seed_demo")

    assert (Case.objects.count(), CaseEvent.objects.count(), Authorisation.objects.count()) == (
        counts
    )
    assert _demo_cases().count() == 12
