import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALES = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated(language):
    po = polib.pofile(str(LOCALES / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_catalogue_matches_the_po_file(language):
    folder = LOCALES / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"run make messages: {entry.msgid!r}"
        msgstr, plural = compiled[(entry.msgctxt, entry.msgid)]
        if entry.msgid_plural:
            assert {int(k): v for k, v in plural.items()} == {
                int(k): v for k, v in entry.msgstr_plural.items()
            }
        else:
            assert msgstr == entry.msgstr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext tools are not installed")
def test_the_po_files_hold_every_string_of_the_code(tmp_path):
    """makemessages on a copy of the sources finds no msgid missing from the catalogue."""
    root = Path(settings.BASE_DIR)
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", "node_modules", "staticfiles", "*.pyc", ".git", "*.sqlite3*"
    )
    shutil.copytree(root, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "vi",
            "--ignore=tests",
            "--ignore=bench",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    before = {e.msgid for e in polib.pofile(str(LOCALES / "vi/LC_MESSAGES/django.po"))}
    after = {e.msgid for e in polib.pofile(str(copy / "locale/vi/LC_MESSAGES/django.po"))}
    assert sorted(after - before) == []


def test_english_can_be_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert "Log in to FiveClear" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/login/"})
    assert "Đăng nhập FiveClear" in client.get(reverse("login")).content.decode()


def test_an_english_browser_still_gets_vietnamese(client, db):
    page = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert "Đăng nhập FiveClear" in page.content.decode()
