# The shipped 自由裁量基准 (anjian/inspections/discretion_data.py): one DiscretionRule per
# violation and level of circumstances. Rules that already exist (same code and level,
# active) are left as the bureau edited them; a later edit of discretion_data changes only
# fresh installations — a new default for existing ones needs a new migration.

from django.db import migrations


def seed_discretion(apps, schema_editor):
    from anjian.inspections import discretion_data

    DiscretionRule = apps.get_model("inspections", "DiscretionRule")
    existing = set(
        DiscretionRule.objects.filter(is_active=True).values_list("code", "circumstance")
    )
    DiscretionRule.objects.bulk_create(
        DiscretionRule(**row)
        for row in discretion_data.rows()
        if (row["code"], row["circumstance"]) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0005_seed_checklists")]

    operations = [migrations.RunPython(seed_discretion, migrations.RunPython.noop)]
