"""Seed version 1 of the LEC and LS band tables and the industry risk-point library."""

from django.db import migrations


def seed(apps, schema_editor):
    from anjian.risks.defaults import seed_band_tables
    from anjian.risks.library import library_sync

    seed_band_tables(apps.get_model("risks", "RiskBandTable"))
    library_sync(apps.get_model("risks", "RiskLibraryEntry"))


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
