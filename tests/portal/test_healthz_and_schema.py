import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_dependency(client, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    expected_broker = "eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok"
    assert body == {"status": "ok", "database": "ok", "cache": "ok", "broker": expected_broker}


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from portal.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous

    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


def test_the_schema_lists_the_public_identity_paths(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/me/"]:
        assert path in paths


def test_the_api_docs_are_served_without_a_cdn(client):
    response = client.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
