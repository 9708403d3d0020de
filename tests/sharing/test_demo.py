"""The demo exchange: seeded once whatever the number of runs, with a key command whose key
reads what the demo grants."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from identity.models import ApiKey
from portal.demo import seed_organisations, seed_people, seed_regions
from sharing.constants import RequestState
from sharing.demo import ZHANG_SAN, seed_sharing
from sharing.models import AccessRequest, DataRead, DemoRecord, Grant, Resource
from sharing.selectors import DataUseLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    organisations = seed_organisations(seed_regions())
    seed_people(organisations)
    return organisations


def _counts() -> list[int]:
    models = (Resource, DemoRecord, Grant, AccessRequest, DataRead)
    return [model.objects.count() for model in models]


def test_the_demo_exchange_is_seeded_once(organisations):
    seed_sharing(organisations)
    first = _counts()
    seed_sharing(organisations)

    assert _counts() == first
    assert set(Resource.objects.values_list("code", flat=True)) >= {
        "hjxx", "sbcbxx", "qydjxx", "bdcdjxx", "wsxx", "xlxx",
    }  # fmt: skip
    assert Resource.objects.get(code="hjxx").provider == organisations["gaj"]
    assert set(AccessRequest.objects.exclude(state=RequestState.GRANTED).values_list(
        "state", flat=True
    )) == {RequestState.PLATFORM_REVIEW, RequestState.PROVIDER_REVIEW}  # fmt: skip
    zhang_san = organisations["enterprise"].memberships.get().user
    assert zhang_san.id_number == ZHANG_SAN
    assert DataUseLog(zhang_san).count() == 4


def test_the_demo_key_reads_what_the_market_regulator_is_granted(organisations):
    seed_sharing(organisations)
    out = io.StringIO()

    call_command("create_demo_api_key", stdout=out)

    secret = out.getvalue().strip().splitlines()[-1].removeprefix("Authorization: Api-Key ")
    assert ApiKey.objects.get().department == organisations["scjg"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    granted = client.get(
        "/api/v1/sharing/data/hjxx/", {"subject": ZHANG_SAN, "purpose": "企业设立登记核验"}
    )
    refused = client.get(
        "/api/v1/sharing/data/sbcbxx/", {"subject": ZHANG_SAN, "purpose": "企业设立登记核验"}
    )
    assert granted.status_code == 200
    assert set(granted.json()["data"]) == {"name", "id_number", "gender", "address"}
    assert refused.status_code == 403
