# The report form's one-time key: a report posted twice records one hazard (issue 11).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0008_check_item_finding_and_place"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="report_token",
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="hazard",
            constraint=models.UniqueConstraint(
                condition=models.Q(("report_token__isnull", False)),
                fields=("reported_by", "report_token"),
                name="hazard_report_once",
            ),
        ),
    ]
