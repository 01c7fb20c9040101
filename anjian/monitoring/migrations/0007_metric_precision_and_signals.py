import django.core.validators
from django.db import migrations, models


def reload_catalog(apps, schema_editor):
    from anjian.monitoring import catalog

    catalog.load(apps.get_model("monitoring", "DeviceType"), apps.get_model("monitoring", "Metric"))


def fire_is_first_grade(apps, schema_editor):
    """A fire panel's 火警 is the top grade: its limits set at 高报（二级） (the demo set them
    so before) move to the first grade, unless the device already has one there. Alarms
    already raised keep the grade they were raised at."""
    Threshold = apps.get_model("monitoring", "Threshold")
    fire = Threshold.objects.filter(
        metric__device_type__code="fire_panel", metric__code="alarm", level="high"
    )
    for threshold in fire:
        taken = Threshold.objects.filter(
            device_id=threshold.device_id, metric_id=threshold.metric_id, level="high_high"
        ).exists()
        if not taken:
            Threshold.objects.filter(pk=threshold.pk).update(
                level="high_high", version=models.F("version") + 1
            )


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0006_alarm_device_enterprise_owned"),
    ]

    operations = [
        migrations.AddField(
            model_name="metric",
            name="decimals",
            field=models.PositiveSmallIntegerField(
                default=2,
                validators=[django.core.validators.MaxValueValidator(6)],
                verbose_name="小数位数",
            ),
        ),
        migrations.AddField(
            model_name="metric",
            name="signal_label",
            field=models.CharField(
                blank=True,
                help_text="开关量（0/1）监测项：值为 1 时的含义，如“火警”“故障”；测量值留空",
                max_length=20,
                verbose_name="开关量含义",
            ),
        ),
        migrations.RunPython(reload_catalog, migrations.RunPython.noop),
        migrations.RunPython(fire_is_first_grade, migrations.RunPython.noop),
    ]
