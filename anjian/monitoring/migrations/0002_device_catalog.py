from django.db import migrations


def load_catalog(apps, schema_editor):
    from anjian.monitoring import catalog

    catalog.load(apps.get_model("monitoring", "DeviceType"), apps.get_model("monitoring", "Metric"))


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(load_catalog, migrations.RunPython.noop)]
