import pytest
from django.core.files.base import ContentFile

from matters.constants import VersionStatus
from tests.factories.matters import MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _material(status=VersionStatus.PUBLISHED):
    material = MaterialFactory(version=VersionFactory(status=status), key="application_form")
    material.blank_form.save("申请表.docx", ContentFile(b"blank form"), save=False)
    material.save()
    return material


def _url(material, kind="form"):
    code = material.version.implementation.code
    return f"/services/{code}/materials/{material.key}/{kind}/"


def test_anyone_downloads_the_blank_form_of_a_published_material(client, media):
    material = _material()

    response = client.get(_url(material))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"blank form"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_guide_links_to_the_download(client, media):
    material = _material()

    html = client.get(f"/services/{material.version.implementation.code}/").content.decode()

    assert _url(material) in html


def test_a_missing_sample_a_draft_or_an_unknown_kind_is_404(client, media):
    published = _material()
    draft = _material(status=VersionStatus.DRAFT)

    assert client.get(_url(published, "sample")).status_code == 404
    assert client.get(_url(published, "other")).status_code == 404
    assert client.get(_url(draft)).status_code == 404
