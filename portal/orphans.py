"""Stored files that no row points to any more.

A file is written before its row commits: an upload whose transaction then fails, or a
certificate render killed between storing its PDF and committing, leaves a file nothing
refers to (docs/reliability.md: 0–1 per fault run). They hold personal data and take space,
so a daily sweep removes those older than a day — old enough that no transaction writing
them can still be open. Every FileField of every installed model counts as a reference.
"""

import logging
import posixpath
from collections.abc import Iterator
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db.models import FileField, Model
from django.utils import timezone

logger = logging.getLogger(__name__)

ORPHAN_AFTER = timedelta(days=1)
BATCH = 500


def _file_fields() -> list[tuple[type[Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FileField)
    ]


def _stored(storage: Storage, directory: str = "") -> Iterator[str]:
    directories, files = storage.listdir(directory)
    for name in files:
        yield posixpath.join(directory, name)
    for name in directories:
        yield from _stored(storage, posixpath.join(directory, name))


def _unreferenced(names: list[str]) -> list[str]:
    referenced: set[str] = set()
    for model, field in _file_fields():
        referenced.update(
            model._base_manager.filter(**{f"{field}__in": names}).values_list(field, flat=True)
        )
    return [name for name in names if name not in referenced]


def orphan_files(
    *, storage: Storage = default_storage, older_than: timedelta = ORPHAN_AFTER
) -> Iterator[str]:
    """The stored files older than `older_than` that no row refers to, a batch at a time."""
    cutoff = timezone.now() - older_than
    batch: list[str] = []
    if not storage.exists(""):
        return  # nothing stored yet
    for name in _stored(storage):
        if storage.get_modified_time(name) > cutoff:
            continue
        batch.append(name)
        if len(batch) == BATCH:
            yield from _unreferenced(batch)
            batch = []
    if batch:
        yield from _unreferenced(batch)


def delete_orphan_files(
    *, storage: Storage = default_storage, older_than: timedelta = ORPHAN_AFTER
) -> list[str]:
    """Delete the orphan files; returns their names (each also logged)."""
    deleted = []
    for name in orphan_files(storage=storage, older_than=older_than):
        storage.delete(name)
        logger.info("Orphan file deleted: %s", name)
        deleted.append(name)
    return deleted
