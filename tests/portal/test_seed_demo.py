import pytest
from django.core.management import call_command

from identity.constants import OrganisationKind, Role
from identity.models import AuditEvent, Membership, Organisation, Region, User
from identity.validators import validate_credit_code
from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ACCOUNTS = [
    "420502199003071234",
    "11010519491231002X",
    "420502195008080078",
    "420502198805050019",
    "420503199001010020",
    "420504199202020037",
    "420502198206060039",
    "420505198503030046",
    "420506198004040051",
]


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Region, Organisation, User, Membership, AuditEvent)
    )


def test_the_demo_loads_once_and_a_second_run_duplicates_nothing():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")

    assert _counts() == first
    assert first[:4] == (17, 17, 9, 7)


def test_every_demo_account_signs_in_with_the_published_password(api_client):
    call_command("seed_demo")

    for id_number in ACCOUNTS:
        response = api_client.post(
            "/api/v1/auth/token/",
            {"id_number": id_number, "password": DEMO_PASSWORD},
            format="json",
        )
        assert response.status_code == 200, id_number


def test_the_demo_has_the_roles_the_issue_names():
    call_command("seed_demo")

    roles = {
        (m.user.id_number, m.organisation.name, m.role)
        for m in Membership.objects.select_related("user", "organisation")
    }

    assert roles == {
        ("420502199003071234", "宜昌示例科技有限公司", Role.LEGAL_REPRESENTATIVE),
        ("420502198805050019", "宜昌市政务服务和大数据管理局", Role.CLERK),
        ("420503199001010020", "宜昌市市场监督管理局", Role.REVIEWER),
        ("420504199202020037", "宜昌市公安局", Role.REVIEWER),
        ("420502198206060039", "宜昌市市场监督管理局", Role.DEPARTMENT_HEAD),
        ("420505198503030046", "宜昌市政务服务和大数据管理局", Role.SUPERVISOR),
        ("420506198004040051", "宜昌市政务服务和大数据管理局", Role.CATALOGUE_ADMIN),
    }
    assert User.objects.get(id_number="11010519491231002X").name == "李四"
    assert Region.objects.get(code="110102000000").parent.name == "北京市"


def test_every_demo_organisation_has_a_valid_credit_code_and_departments_a_region():
    call_command("seed_demo")

    for organisation in Organisation.objects.all():
        assert validate_credit_code(organisation.credit_code) == organisation.credit_code
        if organisation.kind == OrganisationKind.DEPARTMENT:
            assert organisation.region.code == "420500000000"
