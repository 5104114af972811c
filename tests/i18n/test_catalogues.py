"""Russian and English ship complete, compiled and in step with the source."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "zvonar"
LANGUAGES = ["ru", "en"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    """No empty or fuzzy translation in the catalogue."""
    po = catalogue(language)
    assert len(po) > 100
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_source(language):
    """The shipped .mo says what the .po says (run `make messages` after editing a .po)."""
    po = catalogue(language)
    mo = polib.mofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"))
    assert {e.msgid: e.msgstr for e in po if not e.obsolete} == {
        e.msgid: e.msgstr for e in mo if e.msgid
    }


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (Debian gettext) missing")
def test_catalogue_holds_every_marked_string(tmp_path):
    """makemessages over the current source finds no string the catalogue lacks."""
    copy = tmp_path / "zvonar"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    env = dict(os.environ, ZVONAR_LOCALE_DIR=str(copy / "locale"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "zvonar",
            "makemessages",
            "-l",
            "ru",
            "--ignore",
            "dialer/core/*",
            "--ignore",
            "dialer/sim/*",
        ],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    shipped = {entry.msgid for entry in catalogue("ru")}
    missing = sorted({entry.msgid for entry in fresh if not entry.obsolete} - shipped)
    assert not missing, missing
