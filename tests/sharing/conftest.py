"""The exchange's cast: a provider (公安局-like) with a conditional person resource, a
consumer (市场监管局-like) with a grant of some of its fields, a third department without
any, their staff, a platform reviewer, department API keys and demo records."""

from dataclasses import dataclass

import factory
import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from identity import services as identity_services
from identity.constants import Role
from identity.models import Organisation, User
from matters.constants import FieldType, MaterialSource
from sharing.constants import GrantBasis, SharingClass, SubjectKind, UpdateFrequency
from sharing.models import DemoRecord, Grant, Resource
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import FormFieldFactory, MaterialFactory, VersionFactory

ZHANG_SAN = "420502199003071234"
LI_SI = "11010519491231002X"
ENTERPRISE = "91420500MA49ABCDED"

HJXX_FIELDS = [
    {"key": "name", "label": "姓名"},
    {"key": "id_number", "label": "公民身份号码"},
    {"key": "gender", "label": "性别"},
    {"key": "address", "label": "户籍地址"},
    {"key": "ethnicity", "label": "民族"},
]


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    code = factory.Sequence(lambda n: f"res{n}")
    name = factory.Sequence(lambda n: f"资源{n}")
    provider = factory.SubFactory(DepartmentFactory)
    subject_kind = SubjectKind.PERSON
    fields = factory.LazyFunction(lambda: [dict(item) for item in HJXX_FIELDS])
    update_frequency = UpdateFrequency.DAILY
    sharing_class = SharingClass.CONDITIONAL
    is_published = True


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    resource = factory.SubFactory(ResourceFactory)
    consumer = factory.SubFactory(DepartmentFactory)
    basis = GrantBasis.REQUEST
    fields = factory.LazyAttribute(lambda o: o.resource.field_keys)
    purpose = "市场主体登记核验身份"


@dataclass
class Exchange:
    provider: Organisation
    consumer: Organisation
    outsider: Organisation
    platform: Organisation
    resource: Resource  # conditional, about persons, provided by `provider`
    grant: Grant  # consumer may read name, id_number, address
    provider_staff: User
    consumer_staff: User
    outsider_staff: User
    platform_reviewer: User


@pytest.fixture
def exchange(db) -> Exchange:
    provider = DepartmentFactory(name="宜昌市公安局")
    consumer = DepartmentFactory(name="宜昌市市场监督管理局")
    outsider = DepartmentFactory(name="宜昌市民政局")
    platform = DepartmentFactory(name="宜昌市政务服务和大数据管理局")
    resource = ResourceFactory(code="hjxx", name="户籍信息", provider=provider)
    grant = GrantFactory(
        resource=resource, consumer=consumer, fields=["name", "id_number", "address"]
    )
    DemoRecord.objects.create(
        resource=resource,
        subject=ZHANG_SAN,
        data={
            "name": "张三",
            "id_number": ZHANG_SAN,
            "gender": "男",
            "address": "湖北省宜昌市西陵区夷陵大道58号",
            "ethnicity": "汉族",
        },
    )
    reviewer = MembershipFactory(role=Role.REVIEWER, organisation=platform).user
    reviewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="sharing", codename="review_accessrequest")
    )
    return Exchange(
        provider=provider,
        consumer=consumer,
        outsider=outsider,
        platform=platform,
        resource=resource,
        grant=grant,
        provider_staff=MembershipFactory(role=Role.REVIEWER, organisation=provider).user,
        consumer_staff=MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=consumer).user,
        outsider_staff=MembershipFactory(role=Role.REVIEWER, organisation=outsider).user,
        platform_reviewer=User.objects.get(pk=reviewer.pk),  # without the cached permissions
    )


def key_for(department: Organisation, official: User) -> str:
    _key, secret = identity_services.api_key_create(
        name="部门业务系统", department=department, owner=official, created_by=None
    )
    return secret


def key_client(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


@pytest.fixture
def consumer_key(exchange) -> str:
    return key_for(exchange.consumer, exchange.consumer_staff)


@pytest.fixture
def consumer_api(consumer_key) -> APIClient:
    return key_client(consumer_key)


@pytest.fixture
def citizen(db) -> User:
    return UserFactory(id_number=ZHANG_SAN, name="张三")


@pytest.fixture
def other_citizen(db) -> User:
    return UserFactory(id_number=LI_SI, name="李四")


@pytest.fixture
def version(exchange):
    """A service of the consumer (granted name, ID number and address of 户籍信息) asking
    for the applicant's name, ID number, address and phone, a household register (shared
    data) and an ID card (upload)."""
    version = VersionFactory(implementation__department=exchange.consumer)
    for order, (key, field_type, source) in enumerate(
        [
            ("applicant_name", FieldType.TEXT, "hjxx.name"),
            ("applicant_id_number", FieldType.ID_NUMBER, "hjxx.id_number"),
            ("residence_address", FieldType.ADDRESS, "hjxx.address"),
            ("contact_phone", FieldType.PHONE, ""),
        ]
    ):
        FormFieldFactory(
            version=version, key=key, label=key, field_type=field_type, prefill=source, order=order
        )
    MaterialFactory(
        version=version,
        key="household_register",
        name="居民户口簿",
        source=MaterialSource.SHARED_DATA,
        shared_resource="hjxx",
    )
    MaterialFactory(version=version, key="id_card", name="身份证")
    return version
