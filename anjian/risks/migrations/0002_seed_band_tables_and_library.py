"""Seed version 1 of the LEC and LS band tables and the industry risk-point library.

The library comes from the shipped files in ``anjian/risks/data/library/`` (format
``anjian-risk-library/1``, ``data/README.md``), read here with this migration's own copy
of the reading rules, so that later changes to ``anjian.risks.library`` cannot change
what this migration does. It upserts by ``code`` with the historical model (fields the
model did not have yet are left out). The files are validated by ``anjian risk_library
check`` and the tests, not here; later changes to them reach an existing database with
``anjian risk_library load``. Reversing leaves the rows.
"""

import json
from pathlib import Path

from django.db import migrations

LIBRARY_DIR = Path(__file__).resolve().parent.parent / "data" / "library"
FORMAT = "anjian-risk-library/1"
DEFAULTS = {
    "industry_codes": "",
    "flags": "",
    "is_generic": False,
    "location_hint": "",
    "l_value": None,
    "e_value": None,
    "c_value": None,
    "s_value": None,
    "basis": "",
    "sort_order": 100,
    "is_active": True,
}
LIST_KEYS = ("industry_codes", "flags", "accident_types")
FACTOR_FIELDS = {"L": "l_value", "E": "e_value", "C": "c_value", "S": "s_value"}


def library_entries() -> list[dict]:
    """Every entry of the shipped files as model values, by sort order and code."""
    entries = []
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise RuntimeError(f"{path}: migration risks 0002 reads format {FORMAT} only")
        for raw in data["entries"]:
            entry = {**DEFAULTS, "topic": data["topic"]}
            for key, value in raw.items():
                if key == "typical":
                    entry.update({FACTOR_FIELDS[name]: str(v) for name, v in value.items()})
                elif key in LIST_KEYS:
                    entry[key] = ",".join(value)
                else:
                    entry[key] = value
            entries.append(entry)
    return sorted(entries, key=lambda entry: (entry["sort_order"], entry["code"]))


def seed(apps, schema_editor):
    from anjian.risks.defaults import seed_band_tables

    seed_band_tables(apps.get_model("risks", "RiskBandTable"))
    entry_model = apps.get_model("risks", "RiskLibraryEntry")
    fields = {field.name for field in entry_model._meta.get_fields()}
    for values in library_entries():
        code = values.pop("code")
        defaults = {key: value for key, value in values.items() if key in fields}
        entry_model.objects.update_or_create(code=code, defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
