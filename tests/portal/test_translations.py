"""The Dutch interface is complete, and the committed .mo files match their .po sources."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"


def entries(language: str):
    return [e for e in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")) if not e.obsolete]


def test_every_interface_string_has_a_dutch_translation():
    missing = [e.msgid for e in entries("nl_BE") if not e.translated() or "fuzzy" in e.flags]
    assert not missing, f"untranslated or fuzzy nl_BE strings: {missing[:20]}"


@pytest.mark.parametrize("language", ["nl_BE", "fr", "en"])
def test_the_compiled_catalogue_matches_its_source(language, tmp_path):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    fresh = tmp_path / "fresh.mo"
    po.save_as_mofile(str(fresh))
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as committed, fresh.open("rb") as rebuilt:
        compiled, source = (
            {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if k != ""} for f in (committed, rebuilt)
        )
    assert compiled == source, f"locale/{language} .mo is stale: run `make messages` and commit the .mo"
