import io

import pytest

from identity.constants import Role
from matters.constants import FieldType
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_file(name: str = "身份证.pdf") -> io.BytesIO:
    upload = io.BytesIO(PDF)
    upload.name = name
    return upload


@pytest.fixture
def version():
    """A published service asking two questions and one uploaded material."""
    version = VersionFactory(promised_limit_days=5, statutory_limit_days=20)
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名", order=1)
    FormFieldFactory(
        version=version,
        key="contact_phone",
        label="联系电话",
        field_type=FieldType.PHONE,
        required=False,
        order=2,
    )
    MaterialFactory(version=version, key="id_card", name="身份证")
    return version


@pytest.fixture
def citizen():
    return UserFactory(id_number="420502199003071234", name="张三")


@pytest.fixture
def clerk(version):
    """A window clerk of the service centre of the region the service belongs to."""
    centre = DepartmentFactory(region=version.implementation.region)
    return MembershipFactory(role=Role.CLERK, organisation=centre).user


@pytest.fixture
def reviewer(version):
    return MembershipFactory(
        role=Role.REVIEWER, organisation=version.implementation.department
    ).user


@pytest.fixture
def other_reviewer():
    return MembershipFactory(role=Role.REVIEWER).user
