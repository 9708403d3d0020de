"""Which services a window takes in, and the category of a service."""

import pytest

from identity.constants import Sector
from matters.constants import CrossRegionScope, VersionStatus, WindowCategory
from tests.factories.matters import ImplementationFactory, VersionFactory
from windows import selectors
from windows.constants import SpecialWindow
from windows.models import Window

pytestmark = pytest.mark.django_db


def test_the_category_is_the_guides_else_the_departments_line(hall):
    published = VersionFactory(window_category=WindowCategory.INVESTMENT)
    assert selectors.category_of(published.implementation) == WindowCategory.INVESTMENT
    unpublished = ImplementationFactory(matter__sector=Sector.MARKET_REGULATION)
    VersionFactory(implementation=unpublished, status=VersionStatus.DRAFT, published_at=None)
    assert selectors.category_of(unpublished) == WindowCategory.COMMERCIAL
    housing = ImplementationFactory(matter__sector=Sector.HOUSING_CONSTRUCTION)
    assert selectors.category_of(housing) == WindowCategory.INVESTMENT
    civil = ImplementationFactory(matter__sector=Sector.CIVIL_AFFAIRS)
    assert selectors.category_of(civil) == WindowCategory.LIVELIHOOD


def test_a_window_takes_the_services_of_its_categories_in_its_region(hall, other_hall):
    commercial = VersionFactory(
        implementation__region=hall.region, window_category=WindowCategory.COMMERCIAL
    )
    VersionFactory(implementation__region=hall.region, window_category=WindowCategory.LIVELIHOOD)
    VersionFactory(
        implementation__region=other_hall.region, window_category=WindowCategory.COMMERCIAL
    )
    window = hall.windows.get(number="1")
    assert list(selectors.versions_for_window(window)) == [commercial]
    assert list(selectors.implementations_for_window(window)) == [commercial.implementation]


def test_special_windows_take_what_they_help_with(hall):
    livelihood = VersionFactory(
        implementation__region=hall.region, window_category=WindowCategory.LIVELIHOOD
    )
    nationwide = VersionFactory(
        implementation__region=hall.region,
        window_category=WindowCategory.COMMERCIAL,
        cross_region_scope=CrossRegionScope.NATIONWIDE,
    )
    assisted = hall.windows.get(number="9")
    assert set(selectors.versions_for_window(assisted)) == {livelihood, nationwide}
    cross = Window.objects.create(hall=hall, number="20", special_kind=SpecialWindow.CROSS_PROVINCE)
    assert list(selectors.versions_for_window(cross)) == [nationwide]
    enquiries = Window.objects.create(hall=hall, number="21", special_kind=SpecialWindow.ENQUIRIES)
    assert not selectors.versions_for_window(enquiries).exists()


def test_the_hall_offers_the_queues_its_open_windows_call(hall):
    assert selectors.hall_queues(hall) == ["commercial", "livelihood", "assisted"]
    hall.windows.filter(number="9").update(is_active=False)
    assert selectors.hall_queues(hall) == ["commercial", "livelihood"]
