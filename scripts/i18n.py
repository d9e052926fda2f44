"""Translation upkeep: `python scripts/i18n.py fill-en | check | apply FILE.json`.

The msgids are English; `locale/vi` holds the Vietnamese the users see by default and
`locale/en` repeats each msgid so both catalogues are complete. `apply` fills Vietnamese
msgstrs from JSON objects {msgid: msgstr} (for a plural: {msgid: [msgstr]}; with a context:
{"[context] msgid": msgstr}); `make messages`
applies every `locale/pending/*.json`, so new strings can be translated there without hand
edits of the .po file.
"""

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ["django.po", "djangojs.po"]


def catalogues(language):
    for name in DOMAINS:
        path = ROOT / "locale" / language / "LC_MESSAGES" / name
        if path.exists():
            yield path, polib.pofile(str(path), wrapwidth=100)


def untranslated(po):
    return [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]


def fill_en():
    for path, po in catalogues("en"):
        for entry in po:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(path))


def apply(*sources):
    mapping = {}
    for source in sources:
        mapping.update(json.loads(Path(source).read_text(encoding="utf-8")))
    for path, po in catalogues("vi"):
        for entry in po:
            key = f"[{entry.msgctxt}] {entry.msgid}" if entry.msgctxt else entry.msgid
            if key not in mapping:
                continue
            value = mapping[key]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(path))


def check():
    missing = [
        (path.relative_to(ROOT), e.msgid)
        for language in ("vi", "en")
        for path, po in catalogues(language)
        for e in untranslated(po)
    ]
    for path, msgid in missing:
        print(f"{path}: untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "fill-en":
        fill_en()
    elif command == "apply":
        apply(*[s for s in sys.argv[2:] if Path(s).exists()])
    else:
        sys.exit(check())
