"""Applying with shared data: answers the government holds are pre-filled for the applicant
(and marked with the department they came from), shared-data materials need no upload, and
every read shows in the applicant's data use log."""

import pytest
from django.template import Context, Template

from cases import prefill, services
from cases.constants import Action, CaseState
from cases.models import Case
from identity.constants import Role
from sharing import selectors as sharing_selectors
from sharing.constants import ReadChannel, ReadOutcome
from sharing.models import ApplicationUse, DataRead, DemoRecord
from tests.cases.conftest import pdf_file
from tests.factories import AuthorisationFactory, EnterpriseFactory, MembershipFactory, UserFactory
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory
from tests.sharing.conftest import ENTERPRISE, ZHANG_SAN, GrantFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def _start(client, version, **data) -> Case:
    url = f"/cases/apply/{version.implementation.code}/"
    token = client.get(url).context["form"]["token"].value()
    response = client.post(url, {"applying_as": "self", "token": token, **data})
    assert response.status_code == 302, response.content[:500]
    return Case.objects.get(number=response.url.split("/")[-3])


def test_an_application_starts_filled_in_from_shared_data(
    exchange, version, citizen, client, english
):
    client.force_login(citizen)

    case = _start(client, version)
    page = client.get(f"/cases/{case.number}/edit/")

    assert case.form_data == {
        "applicant_name": "张三",
        "applicant_id_number": ZHANG_SAN,
        "residence_address": "湖北省宜昌市西陵区夷陵大道58号",
    }
    form = page.context["form"]
    mark = "From 宜昌市公安局 (shared government data); correct it if it is wrong."
    assert form.fields["applicant_name"].help_text == mark
    assert form.fields["contact_phone"].help_text == ""
    html = page.content.decode()
    assert "Obtained from 宜昌市公安局 by data sharing" in html
    assert 'name="material" value="household_register"' not in html  # nothing to upload
    # One read, for the implementing department, with the case as its purpose.
    read = DataRead.objects.get()
    assert (read.consumer, read.subject, read.outcome, read.channel, read.reference) == (
        exchange.consumer,
        ZHANG_SAN,
        ReadOutcome.SERVED,
        ReadChannel.MATERIAL,
        case.number,
    )
    assert read.purpose == f"办件材料共享 {case.number}"
    assert read.fields == ["name", "id_number", "address"]  # the granted ones, no more
    assert read.actor == citizen


def test_the_applicant_sees_the_read_in_their_data_use_log(version, citizen, client):
    client.force_login(citizen)
    case = _start(client, version)

    entries = sharing_selectors.DataUseLog(citizen)[0:5]

    assert [(e.reader, e.reference) for e in entries] == [("宜昌市市场监督管理局", case.number)]


def test_a_shared_material_is_given_and_counts_toward_the_reduction(version, citizen, client):
    client.force_login(citizen)
    case = _start(client, version)
    services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )
    services.case_update_form(case=case, actor=citizen, form_data={"contact_phone": "13800000001"})

    case = services.case_transition(case=case, action=Action.SUBMIT, actor=citizen)

    assert case.state == CaseState.SUBMITTED
    assert prefill.materials_obtained_by_sharing(case) == ["household_register"]
    assert sharing_selectors.shared_material_counts([case.number, "other"]) == {case.number: 1}


def test_a_changed_answer_loses_its_mark(version, citizen, client):
    client.force_login(citizen)
    case = _start(client, version)
    services.case_update_form(
        case=case, actor=citizen, form_data={"residence_address": "湖北省宜昌市伍家岗区"}
    )
    case.refresh_from_db()

    assert prefill.prefill_marks(case) == {
        "applicant_name": "宜昌市公安局",
        "applicant_id_number": "宜昌市公安局",
    }


def test_starting_again_reads_nothing_twice(version, citizen):
    case = services.case_create(version=version, actor=citizen, form_data={})
    prefill.prefill_case(case=case, actor=citizen)
    prefill.prefill_case(case=case, actor=citizen)

    assert DataRead.objects.count() == 1
    assert ApplicationUse.objects.count() == 1


def test_answers_already_given_are_kept(version, citizen):
    case = services.case_create(
        version=version, actor=citizen, form_data={"applicant_name": "张叁"}
    )

    prefill.prefill_case(case=case, actor=citizen)
    case.refresh_from_db()

    assert case.form_data["applicant_name"] == "张叁"
    assert "applicant_name" not in prefill.prefill_marks(case)


def test_only_granted_fields_are_read(exchange, version, citizen):
    exchange.grant.fields = ["name"]
    exchange.grant.save()
    case = services.case_create(version=version, actor=citizen, form_data={})

    prefill.prefill_case(case=case, actor=citizen)
    case.refresh_from_db()

    assert case.form_data == {"applicant_name": "张三"}
    assert DataRead.objects.get().fields == ["name"]


def test_without_a_grant_nothing_is_read_or_filled(exchange, version, citizen, client, english):
    exchange.grant.delete()
    client.force_login(citizen)

    case = _start(client, version)
    page = client.get(f"/cases/{case.number}/edit/").content.decode()

    assert case.form_data == {}
    assert not DataRead.objects.exists()
    assert "The department fetches it; you do not need to upload it." in page
    assert prefill.materials_obtained_by_sharing(case) == []


def test_an_agent_gets_nothing_of_the_principals_data(version, citizen):
    agent = UserFactory()
    AuthorisationFactory(principal=citizen, agent=agent)
    case = services.case_create(version=version, actor=agent, form_data={}, on_behalf_of=citizen)

    prefill.prefill_case(case=case, actor=agent)

    assert not DataRead.objects.exists()


def test_an_organisations_application_is_filled_from_its_registration(exchange, citizen):
    enterprise = EnterpriseFactory(credit_code=ENTERPRISE)
    MembershipFactory(user=citizen, organisation=enterprise, role=Role.LEGAL_REPRESENTATIVE)
    resource = ResourceFactory(
        code="qydjxx",
        provider=exchange.outsider,
        subject_kind="organisation",
        fields=[{"key": "name", "label": "企业名称"}, {"key": "address", "label": "住所"}],
    )
    GrantFactory(resource=resource, consumer=exchange.consumer)
    DemoRecord.objects.create(
        resource=resource,
        subject=ENTERPRISE,
        data={"name": "宜昌示例科技有限公司", "address": "发展大道66号"},
    )
    version = VersionFactory(implementation__department=exchange.consumer)
    FormFieldFactory(version=version, key="company_name", prefill="qydjxx.name")
    case = services.case_create(
        version=version, actor=citizen, form_data={}, organisation=enterprise
    )

    prefill.prefill_case(case=case, actor=citizen)
    case.refresh_from_db()

    assert case.form_data == {"company_name": "宜昌示例科技有限公司"}
    assert DataRead.objects.get().fields == ["name"]


# --- What the case pages show of shared materials -------------------------------------------

SHARED_LIST = '{% include "sharing/_shared_materials_list.html" %}'


def _shared_list(case) -> str:
    return Template(SHARED_LIST).render(Context({"case": Case.objects.get(pk=case.pk)}))


def test_the_case_pages_show_the_shared_material_with_its_provider_and_data(
    version, citizen, english
):
    case = services.case_create(version=version, actor=citizen, form_data={})
    prefill.prefill_case(case=case, actor=citizen)

    html = _shared_list(case)

    assert "居民户口簿" in html
    assert "Obtained by data sharing" in html
    assert "户籍信息 from 宜昌市公安局" in html
    # What the reviewer checks instead of a scan: the data as the provider gave it.
    assert "<dt>户籍地址</dt><dd>湖北省宜昌市西陵区夷陵大道58号</dd>" in html
    assert "身份证" not in html  # an upload material is not listed here


def test_the_case_pages_say_when_a_shared_material_was_not_obtained(
    exchange, version, citizen, english
):
    exchange.grant.delete()
    case = services.case_create(version=version, actor=citizen, form_data={})
    prefill.prefill_case(case=case, actor=citizen)

    html = _shared_list(case)

    assert "Not obtained" in html
    assert "户籍信息 could not be obtained by data sharing" in html
    assert "<dd>" not in html


def test_a_service_without_shared_materials_lists_nothing(exchange, citizen):
    plain = VersionFactory(implementation__department=exchange.consumer)
    MaterialFactory(version=plain, key="id_card", name="身份证")
    case = services.case_create(version=plain, actor=citizen, form_data={})

    assert _shared_list(case).strip() == ""


def test_the_applicants_case_page_lists_the_shared_material(version, citizen, client, english):
    case = services.case_create(version=version, actor=citizen, form_data={})
    prefill.prefill_case(case=case, actor=citizen)
    client.force_login(citizen)

    page = client.get(f"/cases/{case.number}/").content.decode()

    assert "From shared government data" in page
    assert "户籍信息 from 宜昌市公安局" in page
