# The 公共区域 industries (ADR 14): hazards of public places are supervised by industry like
# units' hazards. A deployment that already has its industries gets the four new ones and
# its departments named as in regions/defaults.py take them on; a new one seeds them later.

from django.db import migrations, models

PLACE_INDUSTRIES = [
    ("road_traffic", "道路交通", "交通委员会"),
    ("municipal_facilities", "市政设施", "建设和管理委员会"),
    ("buildings", "房屋建筑", "建设和管理委员会"),
    ("public_spaces", "公共空间", "城市管理行政执法局"),
]


def add_place_industries(apps, schema_editor):
    Industry = apps.get_model("regions", "Industry")
    Department = apps.get_model("regions", "Department")
    if not Industry.objects.exists():
        return
    last = max(Industry.objects.values_list("sort_order", flat=True))
    for offset, (code, name, department_suffix) in enumerate(PLACE_INDUSTRIES, start=1):
        industry, _created = Industry.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "group": "公共区域",
                "sort_order": last + offset * 10,
                "for_places": True,
            },
        )
        for department in Department.objects.filter(name__endswith=department_suffix):
            department.industries.add(industry)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="industry",
            name="for_places",
            field=models.BooleanField(default=False, editable=False, verbose_name="公共区域"),
        ),
        migrations.RunPython(add_place_industries, migrations.RunPython.noop),
    ]
