"""Stored files no row refers to (an upload rolled back, a render killed mid-way) are found
and removed once they are a day old; files that rows refer to are never touched."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from cases import services
from portal import orphans
from tests.cases.conftest import pdf_file
from tests.factories import UserFactory
from tests.factories.matters import MaterialFactory, VersionFactory

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def _age(name: str, seconds: int) -> None:
    path = default_storage.path(name)
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.fixture
def material():
    version = VersionFactory()
    MaterialFactory(version=version, key="id_card", name="身份证")
    citizen = UserFactory()
    case = services.case_create(version=version, actor=citizen, form_data={})
    return services.case_material_attach(
        case=case, actor=citizen, material_key="id_card", file=pdf_file(), name="身份证.pdf"
    )


def test_an_old_file_without_a_row_is_removed_and_the_rest_kept(material):
    orphan = default_storage.save("cases/left-behind.pdf", ContentFile(b"%PDF-1.4"))
    recent = default_storage.save("certificates/being-written.pdf", ContentFile(b"%PDF-1.4"))
    for name in (orphan, material.file.name):
        _age(name, 2 * DAY)

    deleted = orphans.delete_orphan_files()

    assert deleted == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(material.file.name)  # its row refers to it
    assert default_storage.exists(recent)  # its transaction may still be open


def test_the_command_lists_before_it_deletes(material, capsys):
    orphan = default_storage.save("cases/left-behind.pdf", ContentFile(b"%PDF-1.4"))
    _age(orphan, 2 * DAY)

    call_command("orphan_files")
    assert default_storage.exists(orphan)
    call_command("orphan_files", "--delete")

    out = capsys.readouterr().out
    assert "1 orphan file(s) found." in out
    assert "1 orphan file(s) deleted." in out
    assert not default_storage.exists(orphan)


def test_nothing_stored_yet_finds_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-created"

    assert list(orphans.orphan_files()) == []
