import pytest

from identity.constants import AuditAction, AuditOutcome
from identity.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.portal.test_refusals_urls")
def test_a_403_page_is_rendered_and_audited(client):
    user = UserFactory()
    client.force_login(user)

    response = client.get("/forbidden/")

    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.outcome, event.object_id) == (
        user,
        AuditOutcome.DENIED,
        "/forbidden/",
    )


@pytest.mark.urls("tests.portal.test_refusals_urls")
def test_a_403_from_the_api_is_audited(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)

    response = api_client.get("/api/forbidden/")

    assert response.status_code == 403
    assert response.json() == {"detail": "您没有执行该操作的权限。", "errors": {}}
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=user).count() == 1
