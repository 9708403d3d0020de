"""A hall of 宜昌市 run by its service centre, with windows for business registration,
livelihood services and assisted applications, a clerk of the centre, a clerk of another
hall and a citizen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from identity.constants import Role, Sector
from matters.constants import WindowCategory
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory
from tests.factories.matters import VersionFactory
from windows.constants import SpecialWindow
from windows.models import AppointmentSlot, Hall, Window


def make_hall(*, region=None, name: str = "宜昌市民之家") -> Hall:
    region = region or RegionFactory()
    centre = DepartmentFactory(region=region, sector=Sector.GOVERNMENT_SERVICES)
    hall = Hall.objects.create(
        name=name,
        region=region,
        operator=centre,
        address="宜昌市伍家岗区沿江大道189号",
        opening_hours="周一至周五 9:00-17:00",
    )
    Window.objects.create(hall=hall, number="1", categories=[WindowCategory.COMMERCIAL])
    Window.objects.create(hall=hall, number="2", categories=[WindowCategory.COMMERCIAL])
    Window.objects.create(hall=hall, number="5", categories=[WindowCategory.LIVELIHOOD])
    Window.objects.create(hall=hall, number="9", special_kind=SpecialWindow.ASSISTED)
    return hall


def clerk_of(hall: Hall):
    return MembershipFactory(role=Role.CLERK, organisation=hall.operator).user


@pytest.fixture
def hall() -> Hall:
    return make_hall()


@pytest.fixture
def window(hall) -> Window:
    return hall.windows.get(number="1")


@pytest.fixture
def clerk(hall):
    return clerk_of(hall)


@pytest.fixture
def other_hall() -> Hall:
    region = RegionFactory(code="420502000000", name="西陵区")
    return make_hall(region=region, name="西陵区政务服务中心")


@pytest.fixture
def other_clerk(other_hall):
    return clerk_of(other_hall)


@pytest.fixture
def citizen():
    return UserFactory(id_number="420502199003071234", name="张三")


@pytest.fixture
def reviewer(hall):
    """Staff of a department of the same region, but no window clerk."""
    department = DepartmentFactory(region=hall.region)
    return MembershipFactory(role=Role.REVIEWER, organisation=department).user


@pytest.fixture
def bookable(hall):
    """A business-registration service of the hall's region that can be booked."""
    return VersionFactory(
        implementation__region=hall.region,
        window_category=WindowCategory.COMMERCIAL,
        supports_appointment=True,
    )


@pytest.fixture
def slot(hall) -> AppointmentSlot:
    starts = timezone.now() + timedelta(days=1)
    return AppointmentSlot.objects.create(
        hall=hall,
        category=WindowCategory.COMMERCIAL,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        capacity=2,
    )
