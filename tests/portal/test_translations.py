"""The Simplified Chinese catalogue is complete: every msgid in the code is translated."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/zh_Hans/LC_MESSAGES/django.po")
SKIP = shutil.ignore_patterns(
    ".venv",
    ".git",
    "staticfiles",
    "media",
    "node_modules",
    "*.sqlite3",
    "__pycache__",
    "test-artifacts",
    ".pytest_cache",
    ".ruff_cache",
)


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> polib.POFile:
    """The catalogue as makemessages would write it now, made in a copy of the tree."""
    copy = tmp_path_factory.mktemp("tree") / "portal"
    shutil.copytree(ROOT, copy, ignore=SKIP)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore=tests",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(copy / CATALOGUE))


def test_every_message_in_the_code_is_in_the_committed_catalogue(fresh_catalogue):
    committed = polib.pofile(str(ROOT / CATALOGUE))
    known = {(entry.msgctxt, entry.msgid) for entry in committed}

    missing = [e.msgid for e in fresh_catalogue if (e.msgctxt, e.msgid) not in known]

    assert missing == [], "run makemessages and translate these"


def test_every_entry_is_translated_and_none_is_fuzzy():
    committed = polib.pofile(str(ROOT / CATALOGUE))

    assert [e.msgid for e in committed.untranslated_entries()] == []
    assert [e.msgid for e in committed.fuzzy_entries()] == []
