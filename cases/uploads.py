"""Checking, naming and serving the materials applicants upload.

An upload is judged by its bytes, never by its name or the content type the client sent: the
first bytes must be those of a PDF, JPEG, PNG or OFD (GB/T 33190, a zip holding `OFD.xml`).
The file is stored under a generated name; the name the applicant gave is kept only for display
and for the download's Content-Disposition, never as a path.

A disk too full for an upload refuses it (StorageFull, 507) instead of failing half-way: the free
space is checked before the case is touched, and UploadStorage, the storage that writes the
files, removes what it wrote when the disk fills up during the write.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import struct
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
MAX_DISPLAY_NAME = 100
MAX_EXTENSION = 10  # a longer "extension" is just part of the name
FALLBACK_NAME = "upload"
# An OFD holds a few files per page; more entries than this is not a document we accept, and
# refusing early keeps zipfile from building a huge table of contents in memory.
MAX_ZIP_ENTRIES = 10_000
# The count can lie; zipfile reads the directory by its size, so that is bounded too.
MAX_ZIP_DIRECTORY_BYTES = 2 * 1024 * 1024
_MB = 1024 * 1024
# Room an upload needs beyond its own size on the media disk (file system blocks, metadata).
STORAGE_MARGIN_BYTES = 256 * 1024
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


@dataclass(frozen=True)
class FileKind:
    kind: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "application/pdf", ".pdf")
JPEG = FileKind("jpeg", "image/jpeg", ".jpg")
PNG = FileKind("png", "image/png", ".png")
OFD = FileKind("ofd", "application/ofd", ".ofd")
ACCEPTED_KINDS: tuple[FileKind, ...] = (PDF, JPEG, PNG, OFD)

_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
_ZIP_LOCAL_HEADER = b"PK\x03\x04"
_ZIP_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP_END_RECORD_BYTES = 22
_ZIP_MAX_COMMENT = 0xFFFF
_HEAD_BYTES = 16
_PREFIX = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*")


class UploadRefused(ValidationFailed):
    """An upload we do not take; it belongs to the file field unless told otherwise."""

    def __init__(self, message: Any = None, *, field: str | None = "file") -> None:
        super().__init__(message, field=field)


class UploadTooLarge(UploadRefused):
    code = "too_large"
    status = 413

    def __init__(self, *, limit_bytes: int, field: str | None = "file") -> None:
        self.limit_bytes = limit_bytes
        super().__init__(
            _("This file is too large. Upload a file of at most %(limit)s MB.")
            % {"limit": megabytes(limit_bytes)},
            field=field,
        )


class UnsupportedFileType(UploadRefused):
    code = "unsupported_type"
    status = 415
    default_message = _("Upload a PDF, JPEG, PNG or OFD file.")


class EmptyUpload(UploadRefused):
    code = "empty_upload"
    status = 400
    default_message = _("The file is empty. Choose the file again and upload it.")


class StorageFull(UploadRefused):
    code = "storage_full"
    status = 507
    default_message = _(
        "The file could not be stored: the server has no room for it at the moment. Nothing "
        "was saved. Please try again later."
    )


@dataclass(frozen=True)
class UploadInfo:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str  # for display only; never a path


def max_upload_bytes() -> int:
    return getattr(settings, "PORTAL_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def megabytes(size: int) -> str:
    """20971520 → "20", 1572864 → "1.5"."""
    return f"{size / _MB:.1f}".removesuffix(".0")


def inspect_upload(*, file: UploadedFile | IO[bytes], name: str) -> UploadInfo:
    """Check an uploaded file and describe it; raise an UploadRefused subclass if it is refused.

    `file` must be seekable (Django's uploaded files are). It is read from the start, in chunks
    and never past limit + 1 bytes, and rewound afterwards, whether accepted or not.
    """
    limit = max_upload_bytes()
    file.seek(0)
    try:
        size, digest, head = _read_bounded(file, limit=limit)
        if size > limit:
            raise UploadTooLarge(limit_bytes=limit)
        if size == 0:
            raise EmptyUpload()
        kind = _detect_kind(file=file, head=head)
        if kind is None:
            raise UnsupportedFileType()
        check_room(size)
    finally:
        file.seek(0)
    return UploadInfo(
        kind=kind.kind,
        content_type=kind.content_type,
        extension=kind.extension,
        size=size,
        sha256=digest,
        original_name=safe_display_name(name),
    )


def check_room(size: int) -> None:
    """Refuse an upload the media disk has no room for (only for storage on a local disk)."""
    location = getattr(default_storage, "location", None)
    if not isinstance(default_storage, FileSystemStorage) or location is None:
        return
    # The media root may not exist yet: its nearest existing parent is on the same disk.
    path = os.path.abspath(location)
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    if shutil.disk_usage(path).free < size + STORAGE_MARGIN_BYTES:
        raise StorageFull()


class UploadStorage(FileSystemStorage):
    """The file system storage, but a disk that fills up during a write leaves no partial
    file behind and raises StorageFull (the caller's transaction then rolls back)."""

    def _save(self, name: str, content: Any) -> str:
        # Only a file this call creates is removed (an existing one would make it pick
        # another name, which it does not return on error; names are random anyway).
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno not in _DISK_FULL:
                raise
            # FileSystemStorage leaves what it wrote before the disk filled up.
            if not existed:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            raise StorageFull() from error


def _read_bounded(file: UploadedFile | IO[bytes], *, limit: int) -> tuple[int, str, bytes]:
    """Size, SHA-256 and first bytes, reading at most limit + 1 bytes."""
    sha256 = hashlib.sha256()
    head = b""
    size = 0
    while size <= limit:
        chunk = file.read(min(CHUNK_BYTES, limit + 1 - size))
        if not chunk:
            break
        if len(head) < _HEAD_BYTES:
            head += chunk[: _HEAD_BYTES - len(head)]
        sha256.update(chunk)
        size += len(chunk)
    return size, sha256.hexdigest(), head


def _detect_kind(*, file: UploadedFile | IO[bytes], head: bytes) -> FileKind | None:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    # Must start as a zip: zipfile alone would also take an .exe with a zip appended.
    if head.startswith(_ZIP_LOCAL_HEADER) and _is_ofd_zip(file):
        return OFD
    return None


def _is_ofd_zip(file: UploadedFile | IO[bytes]) -> bool:
    """A zip with `OFD.xml` at its root; only the table of contents is read, nothing inflated."""
    directory = _zip_directory(file)
    if directory is None:
        return False
    entries, directory_bytes = directory
    if entries > MAX_ZIP_ENTRIES or directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        return False
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:  # a passed-in file is left open
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return False
    return len(names) <= MAX_ZIP_ENTRIES and "OFD.xml" in names


def _zip_directory(file: UploadedFile | IO[bytes]) -> tuple[int, int] | None:
    """Entries and directory size announced by the end-of-central-directory record.

    Read before zipfile builds its table of contents, so a huge one is refused unread.

    Zip64 archives (0xFFFF entries) are far beyond any OFD we accept and answer None.
    """
    file.seek(0, 2)
    end = file.tell()
    tail_bytes = min(end, _ZIP_END_RECORD_BYTES + _ZIP_MAX_COMMENT)
    file.seek(end - tail_bytes)
    tail = file.read(tail_bytes)
    at = tail.rfind(_ZIP_END_OF_DIRECTORY)
    if at < 0 or len(tail) - at < _ZIP_END_RECORD_BYTES:
        return None
    entries, directory_bytes = struct.unpack_from("<HI", tail, at + 10)
    return None if entries == 0xFFFF else (entries, directory_bytes)


def safe_display_name(name: str) -> str:
    """The applicant's file name made safe to show: basename only, printable, ≤ 100 chars.

    It is never used as a path. "../../etc/passwd" → "passwd"; "" or "..." → "upload".
    """
    name = unicodedata.normalize("NFC", name or "")
    # Both separators, whatever the server's OS: names come from Windows browsers too.
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters (incl. bidi overrides that disguise "exe.pdf") go.
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_DISPLAY_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) < MAX_EXTENSION:
            suffix = f".{extension}"
            name = stem[: MAX_DISPLAY_NAME - len(suffix)].rstrip(" .") + suffix
        else:
            name = name[:MAX_DISPLAY_NAME].rstrip(" .")
    return name or FALLBACK_NAME


def storage_name(*, info: UploadInfo, prefix: str) -> str:
    """A generated relative path for storage, e.g. "cases/materials/<hex>.pdf".

    Nothing in it comes from the applicant: the extension is that of the detected kind.
    """
    if not _PREFIX.fullmatch(prefix) or ".." in prefix:
        raise ValueError(f"unsafe storage prefix: {prefix!r}")
    return f"{prefix}/{uuid.uuid4().hex}{info.extension}"


def attachment_response(
    *, file: FieldFile | IO[bytes], display_name: str, content_type: str
) -> FileResponse:
    """Serve a stored upload as a download, never rendered by the browser.

    Ask the policy before calling this: it checks nothing about who may see the file.
    """
    name = safe_display_name(display_name)
    response = FileResponse(file, content_type=content_type, as_attachment=True)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    # Applicants' papers hold personal data: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII name for old clients, then the real name in UTF-8 (RFC 8187)."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def ascii_name(name: str) -> str:
    """The name reduced to ASCII, for old clients.

    "营业执照 2024.pdf" → "2024.pdf", "申请表.pdf" → "download.pdf".
    """
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    stem = re.sub(r"[^A-Za-z0-9.()-]+", "_", stem).strip("_.") or "download"
    extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    return f"{stem}.{extension}" if extension else stem
