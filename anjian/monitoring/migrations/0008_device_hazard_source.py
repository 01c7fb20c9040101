"""A device names the major hazard source it watches by a link (``Device.hazard_source``)
instead of a flag and a typed name (issue 15).

The data step links each flagged device to the source of its own enterprise, not closed,
whose unit carries the typed name (compared as written, ignoring spaces, width and case);
when no single source matches, the device stays unlinked. Nothing is lost: a typed name
that did not become a link — and the flag without a name, or a name without the flag — is
written into the device's 安装位置 as a note ("（原登记重大危险源：…）"), which is widened
for it (120 → 240 characters, so any old location and note fit). Backwards: a linked
device is flagged again with its source's unit name, and a note goes back to the flag and
the name it came from.
"""

import re
import unicodedata

import django.db.models.deletion
from django.db import migrations, models

CLOSED = "closed"  # hazchem SourceState.CLOSED at hazchem 0003
# The notes a device's 安装位置 keeps of what did not become a link, by what it was:
# (flagged, had a name) → note. Backwards, the note is read back and taken off.
NOTES = {
    (True, True): "（原登记重大危险源：{}）",
    (True, False): "（原标记为重大危险源监测）",
    (False, True): "（原填写重大危险源名称：{}）",
}
NOTE_PATTERN = re.compile(
    r"（(原登记重大危险源：|原标记为重大危险源监测|原填写重大危险源名称：)(.*)）$"
)


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _sources_by_name(MajorHazardSource, db: str) -> dict[tuple[int, str], list[int]]:
    found: dict[tuple[int, str], list[int]] = {}
    rows = (
        MajorHazardSource.objects.using(db)
        .exclude(state=CLOSED)
        .values_list("pk", "enterprise_id", "unit__name")
    )
    for pk, enterprise_id, name in rows:
        found.setdefault((enterprise_id, _key(name)), []).append(pk)
    return found


def link_flagged_devices(apps, schema_editor):
    db = schema_editor.connection.alias
    Device = apps.get_model("monitoring", "Device")
    MajorHazardSource = apps.get_model("hazchem", "MajorHazardSource")
    sources = _sources_by_name(MajorHazardSource, db)
    named = Device.objects.using(db).filter(
        models.Q(is_major_hazard_source=True) | ~models.Q(hazard_source_name="")
    )
    for device in named.iterator():
        typed = device.hazard_source_name.strip()
        matches = sources.get((device.enterprise_id, _key(typed)), []) if typed else []
        if device.is_major_hazard_source and len(matches) == 1:
            device.hazard_source_id = matches[0]
        else:
            note = NOTES[(device.is_major_hazard_source, bool(typed))].format(typed)
            device.location = f"{device.location}{note}"
        device.save(using=db, update_fields=["hazard_source", "location"])


def flag_linked_devices(apps, schema_editor):
    """Backwards: a linked device flagged with its source's unit name; a note taken off
    the location and put back where it came from."""
    db = schema_editor.connection.alias
    Device = apps.get_model("monitoring", "Device")
    linked = Device.objects.using(db).filter(hazard_source__isnull=False)
    for device in linked.select_related("hazard_source__unit"):
        device.is_major_hazard_source = True
        device.hazard_source_name = device.hazard_source.unit.name[:80]
        device.save(using=db, update_fields=["is_major_hazard_source", "hazard_source_name"])
    for device in Device.objects.using(db).filter(location__contains="（原"):
        found = NOTE_PATTERN.search(device.location)
        if found is None:
            continue
        device.location = device.location[: found.start()]
        device.is_major_hazard_source = not found.group(1).startswith("原填写")
        device.hazard_source_name = found.group(2)
        fields = ["location", "is_major_hazard_source", "hazard_source_name"]
        device.save(using=db, update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0007_metric_precision_and_signals"),
        ("hazchem", "0003_duty_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="device",
            name="location",
            field=models.CharField(blank=True, max_length=240, verbose_name="安装位置"),
        ),
        migrations.AddField(
            model_name="device",
            name="hazard_source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="devices",
                to="hazchem.majorhazardsource",
                verbose_name="重大危险源",
            ),
        ),
        migrations.RunPython(link_flagged_devices, flag_linked_devices),
        migrations.RemoveField(model_name="device", name="is_major_hazard_source"),
        migrations.RemoveField(model_name="device", name="hazard_source_name"),
    ]
