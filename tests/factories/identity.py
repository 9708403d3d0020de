from datetime import timedelta

import factory
from django.utils import timezone

from identity.constants import OrganisationKind, RegionLevel, Role
from identity.models import Authorisation, Membership, Organisation, Region, User
from identity.validators import credit_code_check_char, id_number_check_char

PASSWORD = "Correct-Horse-42"


def id_number(sequence: int, region: str = "420503", born: str = "19850101") -> str:
    first17 = f"{region}{born}{sequence % 1000:03d}"
    return first17 + id_number_check_char(first17)


def credit_code(sequence: int, prefix: str = "91420500") -> str:
    first17 = f"{prefix}MA{sequence:07d}"
    return first17 + credit_code_check_char(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "420500000000"
    name = "宜昌市"
    level = RegionLevel.CITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    credit_code = factory.Sequence(lambda n: credit_code(n, prefix="11420500"))
    name = factory.Sequence(lambda n: f"宜昌市测试局{n}")
    kind = OrganisationKind.DEPARTMENT
    region = factory.SubFactory(RegionFactory)


class EnterpriseFactory(DepartmentFactory):
    credit_code = factory.Sequence(lambda n: credit_code(n))
    name = factory.Sequence(lambda n: f"宜昌测试有限公司{n}")
    kind = OrganisationKind.ENTERPRISE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    id_number = factory.Sequence(lambda n: id_number(n + 100))
    name = factory.Sequence(lambda n: f"测试{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")

    @classmethod
    def _create(cls, model_class, *args, password: str = PASSWORD, **kwargs):
        return model_class.objects.create_user(*args, password=password, **kwargs)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(DepartmentFactory)
    role = Role.REVIEWER


class AuthorisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorisation

    principal = factory.SubFactory(UserFactory)
    agent = factory.SubFactory(UserFactory)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
