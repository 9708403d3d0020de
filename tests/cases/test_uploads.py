import hashlib
import io
import re
import zipfile

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import Image

from cases import uploads
from cases.uploads import (
    EmptyUpload,
    UnsupportedFileType,
    UploadInfo,
    UploadTooLarge,
    attachment_response,
    inspect_upload,
    safe_display_name,
    storage_name,
)

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _image(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), (255, 0, 0)).save(buffer, format=image_format)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _ofd() -> bytes:
    return _zip(
        {
            "OFD.xml": b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD DocType="OFD" />',
            "Doc_0/Document.xml": b"<ofd:Document />",
            "Doc_0/Pages/Page_0/Content.xml": b"<ofd:Page />",
        }
    )


def _refusal(error: Exception) -> tuple[int, str, dict]:
    return error.status, error.code, {k: [str(m) for m in v] for k, v in error.errors.items()}


class CountingReader(io.BytesIO):
    """A stream that remembers how many bytes were read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture
def in_english():
    with translation.override("en"):
        yield


# --- accepted kinds, told by their bytes ---


@pytest.mark.parametrize(
    ("data", "name", "kind", "content_type", "extension"),
    [
        (PDF_BYTES, "申请表.pdf", "pdf", "application/pdf", ".pdf"),
        (_image("JPEG"), "photo.jpg", "jpeg", "image/jpeg", ".jpg"),
        (_image("PNG"), "photo.png", "png", "image/png", ".png"),
        (_ofd(), "发票.ofd", "ofd", "application/ofd", ".ofd"),
    ],
)
def test_each_accepted_kind_is_detected_from_its_bytes(data, name, kind, content_type, extension):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")

    info = inspect_upload(file=upload, name=upload.name)

    assert info == UploadInfo(
        kind=kind,
        content_type=content_type,
        extension=extension,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=name,
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [(PDF_BYTES, "pdf"), (_image("JPEG"), "jpeg"), (_image("PNG"), "png"), (_ofd(), "ofd")],
)
def test_the_name_and_the_client_content_type_do_not_decide_the_kind(data, kind):
    upload = SimpleUploadedFile("document.txt", data, content_type="text/plain")

    info = inspect_upload(file=upload, name="document.txt")

    assert info.kind == kind


def test_an_ofd_spooled_to_a_temporary_file_is_detected():
    data = _ofd()
    upload = TemporaryUploadedFile("发票.ofd", "application/ofd", len(data), None)
    upload.write(data)

    info = inspect_upload(file=upload, name="发票.ofd")

    assert (info.kind, info.size) == ("ofd", len(data))
    upload.close()


def test_a_plain_binary_stream_is_accepted_too():
    info = inspect_upload(file=io.BytesIO(PDF_BYTES), name="scan.pdf")

    assert (info.kind, info.size, info.original_name) == ("pdf", len(PDF_BYTES), "scan.pdf")


# --- refused kinds ---


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (EXE_BYTES, "scan.pdf"),
        (EXE_BYTES + _ofd(), "invoice.ofd"),  # a self-extracting exe with an OFD appended
        (_zip({"readme.txt": b"hello"}), "invoice.ofd"),
        (_zip({"Doc_0/OFD.xml": b"<ofd:OFD />"}), "invoice.ofd"),  # not at the root
        (b"PK\x03\x04" + b"\x00" * 100, "broken.ofd"),
        (HTML_BYTES, "page.pdf"),
        (SVG_BYTES, "drawing.png"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image.jpg"),
        (b"%PD", "short.pdf"),
        (b" %PDF-1.4\n", "shifted.pdf"),
    ],
)
def test_anything_else_is_refused_as_an_unsupported_type(in_english, data, name):
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")

    with pytest.raises(UnsupportedFileType) as raised:
        inspect_upload(file=upload, name=name)

    assert _refusal(raised.value) == (
        415,
        "unsupported_type",
        {"file": ["Upload a PDF, JPEG, PNG or OFD file."]},
    )
    assert upload.tell() == 0


def test_a_zip_announcing_too_many_entries_is_refused_before_listing_them(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_ENTRIES", 2)
    data = _zip({"OFD.xml": b"<ofd:OFD />", "a.xml": b"a", "b.xml": b"b"})

    with pytest.raises(UnsupportedFileType):
        inspect_upload(file=io.BytesIO(data), name="many.ofd")


def test_a_zip_whose_directory_is_too_big_is_refused_before_listing_it(monkeypatch):
    data = _zip({"OFD.xml": b"<ofd:OFD />", "a" * 200 + ".xml": b"a"})
    monkeypatch.setattr(uploads, "MAX_ZIP_DIRECTORY_BYTES", 200)

    with pytest.raises(UnsupportedFileType):
        inspect_upload(file=io.BytesIO(data), name="long.ofd")


def test_an_empty_file_is_refused(in_english):
    upload = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")

    with pytest.raises(EmptyUpload) as raised:
        inspect_upload(file=upload, name="empty.pdf")

    assert _refusal(raised.value) == (
        400,
        "empty_upload",
        {"file": ["The file is empty. Choose the file again and upload it."]},
    )


# --- size limit ---


def test_a_file_one_byte_over_the_limit_is_refused_as_too_large(settings, in_english):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024 * 1024
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES.ljust(1024 * 1024 + 1, b"\n"))

    with pytest.raises(UploadTooLarge) as raised:
        inspect_upload(file=upload, name="big.pdf")

    assert _refusal(raised.value) == (
        413,
        "too_large",
        {"file": ["This file is too large. Upload a file of at most 1 MB."]},
    )
    assert raised.value.limit_bytes == 1024 * 1024
    assert upload.tell() == 0


def test_a_file_of_exactly_the_limit_is_accepted(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 1024
    data = PDF_BYTES.ljust(1024, b"\n")

    info = inspect_upload(file=io.BytesIO(data), name="exact.pdf")

    assert (info.kind, info.size) == ("pdf", 1024)


def test_no_more_than_the_limit_plus_one_byte_is_read(settings):
    settings.PORTAL_MAX_UPLOAD_BYTES = 100
    stream = CountingReader(PDF_BYTES.ljust(50 * 1024 * 1024, b"\n"))

    with pytest.raises(UploadTooLarge):
        inspect_upload(file=stream, name="huge.pdf")

    assert stream.bytes_read == 101


def test_the_limit_in_the_message_is_in_megabytes(settings, in_english):
    settings.PORTAL_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

    error = UploadTooLarge(limit_bytes=uploads.max_upload_bytes())

    assert str(error.message) == "This file is too large. Upload a file of at most 20 MB."
    assert uploads.megabytes(1536 * 1024) == "1.5"


def test_the_limit_defaults_to_20_mb_without_the_setting(settings):
    if hasattr(settings, "PORTAL_MAX_UPLOAD_BYTES"):
        del settings.PORTAL_MAX_UPLOAD_BYTES

    assert uploads.max_upload_bytes() == 20 * 1024 * 1024


def test_errors_can_be_put_on_another_field(in_english):
    error = UnsupportedFileType(field="id_card_front")

    assert error.errors == {"id_card_front": [error.message]}
    assert str(error.message) == "Upload a PDF, JPEG, PNG or OFD file."


# --- rewinding ---


def test_the_file_is_rewound_after_an_accepted_upload():
    upload = SimpleUploadedFile("scan.pdf", PDF_BYTES)
    upload.read(3)

    inspect_upload(file=upload, name="scan.pdf")

    assert upload.tell() == 0
    assert upload.read() == PDF_BYTES


def test_an_ofd_is_rewound_after_its_zip_is_listed():
    data = _ofd()
    upload = SimpleUploadedFile("发票.ofd", data)

    inspect_upload(file=upload, name="发票.ofd")

    assert upload.tell() == 0
    assert upload.read() == data


# --- display names ---


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("/etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.pdf", "cmd.pdf"),
        ("C:\\Users\\张三\\Desktop\\身份证正面.jpg", "身份证正面.jpg"),
        ("营业执照（副本）.pdf", "营业执照（副本）.pdf"),
        (".htaccess", "htaccess"),
        ("  ..hidden.pdf ", "hidden.pdf"),
        ("scan\r\n\x00\t.pdf", "scan.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),  # the bidi override that fakes ".jpg"
        ("", "upload"),
        ("...", "upload"),
        ("../", "upload"),
        ("\x00\x01", "upload"),
    ],
)
def test_the_original_name_is_a_safe_basename_for_display(given, shown):
    info = inspect_upload(file=io.BytesIO(PDF_BYTES), name=given)

    assert info.original_name == shown


def test_a_very_long_name_is_cut_to_100_characters_keeping_its_extension():
    shown = safe_display_name("长" * 300 + ".pdf")

    assert shown == "长" * 96 + ".pdf"
    assert len(shown) == 100


def test_a_very_long_name_without_a_real_extension_is_simply_cut():
    assert safe_display_name("a" * 150 + "." + "b" * 50) == "a" * 100


# --- storage names ---


def test_the_storage_name_is_generated_with_the_detected_extension():
    data = _image("PNG")
    info = inspect_upload(file=io.BytesIO(data), name="../../evil name.pdf.exe")

    name = storage_name(info=info, prefix="cases/materials")

    assert re.fullmatch(r"cases/materials/[0-9a-f]{32}\.png", name)
    assert storage_name(info=info, prefix="cases/materials") != name


@pytest.mark.parametrize(
    "prefix", ["", "../cases", "cases/../..", "/cases", "cases/", "cases//x", "Cases", "案件", ".."]
)
def test_an_unsafe_storage_prefix_is_a_programming_error(prefix):
    info = inspect_upload(file=io.BytesIO(PDF_BYTES), name="scan.pdf")

    with pytest.raises(ValueError, match="unsafe storage prefix"):
        storage_name(info=info, prefix=prefix)


# --- serving ---


def test_the_download_is_an_attachment_with_a_chinese_name_and_nosniff():
    response = attachment_response(
        file=io.BytesIO(PDF_BYTES),
        display_name="营业执照（副本）.pdf",
        content_type="application/pdf",
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''"
        "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%EF%BC%88%E5%89%AF%E6%9C%AC%EF%BC%89.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("display_name", "disposition"),
    [
        ("scan.pdf", "attachment; filename=\"scan.pdf\"; filename*=UTF-8''scan.pdf"),
        (
            'my "scan";.pdf',
            "attachment; filename=\"my_scan.pdf\"; filename*=UTF-8''my%20%22scan%22%3B.pdf",
        ),
        (
            "营业执照 2024.jpg",
            "attachment; filename=\"2024.jpg\"; filename*=UTF-8''"
            "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%202024.jpg",
        ),
        (
            "../../etc/passwd\r\nSet-Cookie: x=1",
            'attachment; filename="passwdSet-Cookie_x_1"; '
            "filename*=UTF-8''passwdSet-Cookie%3A%20x%3D1",
        ),
        ("", "attachment; filename=\"upload\"; filename*=UTF-8''upload"),
    ],
)
def test_the_download_name_cannot_break_the_header(display_name, disposition):
    response = attachment_response(
        file=io.BytesIO(b"x"), display_name=display_name, content_type="image/jpeg"
    )

    assert response["Content-Disposition"] == disposition


def test_a_stored_file_is_served_from_its_storage_name_under_the_display_name(tmp_path):
    path = tmp_path / "0123456789abcdef0123456789abcdef.pdf"
    path.write_bytes(PDF_BYTES)

    with path.open("rb") as handle:
        response = attachment_response(
            file=File(handle), display_name="申请表.pdf", content_type="application/pdf"
        )
        content = b"".join(response.streaming_content)

    assert response["Content-Disposition"] == (
        "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E7%94%B3%E8%AF%B7%E8%A1%A8.pdf"
    )
    assert content == PDF_BYTES
