"""Schemathesis over the published OpenAPI schema, with every default check: generated
requests, valid and invalid, against every operation, as a signed-in citizen and as nobody.
No answer may be a server error, undocumented, or off the schema (schemathesis.toml)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from knox.models import AuthToken

from portal.wsgi import application
from tests.factories import UserFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
EXAMPLES = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The schema is exercised through the real WSGI application, which closes the database
    connection after each request; on PostgreSQL that would close the test's transaction
    (Django's own test client unhooks the same signal handler)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def citizen_token() -> str:
    _token, key = AuthToken.objects.create(UserFactory())
    return key


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema_for_a_citizen(case, citizen_token):
    case.call_and_validate(headers={"Authorization": f"Token {citizen_token}"})


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema_for_anonymous_callers(case):
    case.call_and_validate()
