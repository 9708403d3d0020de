"""Fixtures of the certificate library tests: types, a department with its reviewer, holders,
and certificates issued through the service."""

from datetime import date
from typing import Any

import pytest

from certificates import services
from certificates.constants import HolderKind, Layout
from certificates.models import Certificate, CertificateType
from identity.constants import Role
from matters.constants import MaterialSource
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    UserFactory,
)
from tests.factories.matters import MaterialFactory, VersionFactory

LICENCE_FIELDS = [
    {"key": "company_name", "label": "名称", "public": True},
    {"key": "registered_address", "label": "住所", "public": True},
    {"key": "business_scope", "label": "经营范围", "public": True},
]
PERSON_FIELDS = [
    {"key": "applicant_name", "label": "姓名", "public": False},
    {"key": "residence_address", "label": "居住地址", "public": False},
    {"key": "licence_class", "label": "准驾车型", "public": True},
]


def make_type(code: str, **fields: Any) -> CertificateType:
    number = CertificateType.objects.count() + 1
    defaults = {
        "name": {"yyzz": "营业执照", "jzz": "居住证"}.get(code, f"测试证照{number}"),
        "type_code": f"11100000000013338W{number:03d}",
        "holder_kind": HolderKind.PERSON,
        "fields": PERSON_FIELDS,
        "layout": Layout.CERTIFICATE,
    }
    return CertificateType.objects.create(code=code, **{**defaults, **fields})


@pytest.fixture
def department():
    return DepartmentFactory(name="宜昌市市场监督管理局")


@pytest.fixture
def manager(department):
    """A reviewer of the issuing department: may revoke and replace its certificates."""
    return MembershipFactory(role=Role.REVIEWER, organisation=department).user


@pytest.fixture
def other_manager():
    return MembershipFactory(role=Role.REVIEWER).user


@pytest.fixture
def licence_type(department):
    return make_type(
        "yyzz",
        holder_kind=HolderKind.ORGANISATION,
        fields=LICENCE_FIELDS,
        layout=Layout.LICENCE,
        issuing_department=department,
    )


@pytest.fixture
def residence_type(department):
    return make_type("jzz", validity_years=1, one_per_holder=True)


@pytest.fixture
def citizen():
    return UserFactory(id_number="420502199003071234", name="张三")


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="宜昌示例科技有限公司")


@pytest.fixture
def representative(enterprise):
    """A legal representative: acts for the enterprise and holds its certificates."""
    return MembershipFactory(role=Role.LEGAL_REPRESENTATIVE, organisation=enterprise).user


def issue(
    type_: CertificateType,
    *,
    issuer,
    holder_user=None,
    holder_organisation=None,
    data: dict[str, str] | None = None,
    issued_on: date | None = None,
    actor=None,
) -> Certificate:
    return services.certificate_issue(
        type_code=type_.code,
        holder_user=holder_user,
        holder_organisation=holder_organisation,
        issuer=issuer,
        data=data or {},
        source_reference="420500-20261122-000001",
        actor=actor,
        issued_on=issued_on,
    )


@pytest.fixture
def licence(licence_type, enterprise, department):
    """The enterprise's 营业执照, with its PDF rendered."""
    certificate = issue(
        licence_type,
        issuer=department,
        holder_organisation=enterprise,
        data={
            "company_name": "宜昌示例科技有限公司",
            "registered_address": "宜昌市西陵区发展大道66号",
            "business_scope": "软件开发",
        },
    )
    return services.certificate_render_pdf(certificate_id=certificate.pk)


@pytest.fixture
def residence(residence_type, citizen, department):
    """张三's 居住证 (not rendered: most tests need no PDF)."""
    return issue(
        residence_type,
        issuer=department,
        holder_user=citizen,
        data={"applicant_name": "张三", "residence_address": "宜昌市西陵区夷陵大道58号"},
    )


@pytest.fixture
def residence_service(residence_type):
    """居住登记: asks for the 居住证 from the certificate library."""
    version = VersionFactory(implementation__matter__name="居住登记")
    MaterialFactory(
        version=version,
        key="residence_permit",
        name="居住证",
        source=MaterialSource.CERTIFICATE,
        certificate_type="jzz",
    )
    return version
