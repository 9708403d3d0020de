"""Uploads when the media disk is full (issue 10): a clear, translated refusal (507) on the
material, nothing stored half-way, the case unchanged. The disk is a real 1 MiB tmpfs
mounted over the test's media root (needs root and CAP_SYS_ADMIN: skipped otherwise)."""

import errno
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases import services
from cases.models import CaseMaterial
from cases.uploads import STORAGE_MARGIN_BYTES, StorageFull, UploadStorage
from tests.cases.conftest import PDF

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
DISK_BYTES = 1024 * 1024


def _fill(directory: Path, *, leave: int) -> None:
    """Write a filler file until about `leave` bytes are left (0: until the disk refuses)."""
    with (directory / "filler").open("wb") as filler:
        while shutil.disk_usage(directory).free > leave:
            try:
                filler.write(b"\0" * 4096)
                filler.flush()
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break


def _files(directory: Path) -> list[str]:
    return sorted(
        str(path.relative_to(directory)) for path in directory.rglob("*") if path.is_file()
    )


@pytest.fixture
def small_disk(settings, tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs as the media root."""
    media = tmp_path / "small-media"
    media.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if mount is None or umount is None:
        pytest.skip("no mount command")
    mounted = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(media)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    settings.MEDIA_ROOT = media
    try:
        yield media
    finally:
        subprocess.run([umount, str(media)], check=True)


@pytest.fixture
def draft(version, citizen):
    return services.case_create(version=version, actor=citizen, form_data={})


def test_an_upload_to_a_full_disk_is_a_507_in_the_api_error_shape(
    api_client, small_disk, draft, citizen
) -> None:
    _fill(small_disk, leave=0)
    api_client.force_authenticate(citizen)

    response = api_client.post(
        f"{CASES}{draft.number}/materials/",
        {"material": "id_card", "file": SimpleUploadedFile("身份证.pdf", PDF)},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 507
    body = response.json()
    assert body["detail"].startswith("The file could not be stored")
    assert body["errors"] == {"file": [body["detail"]]}
    assert not CaseMaterial.objects.exists()
    assert _files(small_disk) == ["filler"]


def test_the_page_explains_it_on_the_material_in_the_applicants_language(
    client, small_disk, draft, citizen
) -> None:
    _fill(small_disk, leave=0)
    client.force_login(citizen)

    response = client.post(
        f"/cases/{draft.number}/materials/upload/",
        {"material": "id_card", "file": SimpleUploadedFile("身份证.pdf", PDF)},
    )

    assert response.status_code == 507
    with translation.override("zh-hans"):
        message = str(StorageFull.default_message)
    assert f"身份证：{message}" in response.content.decode()
    assert not CaseMaterial.objects.exists()


def test_an_upload_is_stored_while_there_is_room(api_client, small_disk, draft, citizen) -> None:
    _fill(small_disk, leave=STORAGE_MARGIN_BYTES + 64 * 1024)
    api_client.force_authenticate(citizen)

    response = api_client.post(
        f"{CASES}{draft.number}/materials/",
        {"material": "id_card", "file": SimpleUploadedFile("身份证.pdf", PDF)},
    )

    assert response.status_code == 201
    material = CaseMaterial.objects.get()
    assert (small_disk / material.file.name).read_bytes() == PDF


def test_a_disk_filling_up_during_the_write_leaves_no_partial_file(small_disk) -> None:
    """What the free-space check cannot see coming (another upload took the room meanwhile):
    the storage removes its partial file and refuses the upload."""
    _fill(small_disk, leave=200 * 1024)
    content = ContentFile(b"%PDF-" + b"x" * 400 * 1024)

    with pytest.raises(StorageFull):
        UploadStorage(location=small_disk).save("cases/a.pdf", content)
    assert _files(small_disk) == ["filler"]

    # Django's own storage keeps what it wrote before the disk filled up.
    with pytest.raises(OSError, match="No space left"):
        FileSystemStorage(location=small_disk).save("cases/b.pdf", content)
    assert _files(small_disk) == ["cases/b.pdf", "filler"]
    assert 0 < (small_disk / "cases/b.pdf").stat().st_size < content.size


def test_through_the_service_with_upload_storage_nothing_is_half_stored(
    settings, small_disk, draft, citizen
) -> None:
    """With UploadStorage as the default storage, the case's transaction rolls back too."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "cases.uploads.UploadStorage"},
    }
    _fill(small_disk, leave=STORAGE_MARGIN_BYTES + 200 * 1024)
    big = SimpleUploadedFile("扫描件.pdf", b"%PDF-" + b"x" * (STORAGE_MARGIN_BYTES + 300 * 1024))

    with pytest.raises(StorageFull):
        services.case_material_attach(
            case=draft, actor=citizen, material_key="id_card", file=big, name=big.name
        )
    assert not CaseMaterial.objects.exists()
    assert _files(small_disk) == ["filler"]
