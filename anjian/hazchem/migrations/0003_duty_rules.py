import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazchem", "0002_source_lifecycle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sourceduty",
            name="assigned_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="登记人",
            ),
        ),
        migrations.AddField(
            model_name="sourceduty",
            name="end_reason",
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name="结束原因"
            ),
        ),
        migrations.AddField(
            model_name="sourceduty",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="结束登记人",
            ),
        ),
        migrations.AddField(
            model_name="sourceduty",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="版本"),
        ),
        migrations.CreateModel(
            name="DutyRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("principal", "主要负责人"),
                            ("technical", "技术负责人"),
                            ("operational", "操作负责人"),
                        ],
                        max_length=12,
                        verbose_name="包保角色",
                    ),
                ),
                ("version", models.PositiveIntegerField(verbose_name="版本")),
                (
                    "period",
                    models.CharField(
                        choices=[
                            ("week", "每周"),
                            ("month", "每月"),
                            ("quarter", "每季度"),
                            ("none", "不设固定频次"),
                        ],
                        max_length=8,
                        verbose_name="检查周期",
                    ),
                ),
                ("checks", models.PositiveSmallIntegerField(verbose_name="每周期至少检查次数")),
                ("basis", models.CharField(max_length=300, verbose_name="依据或说明")),
                (
                    "set_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="设置时间"
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="设置人",
                    ),
                ),
            ],
            options={
                "verbose_name": "包保检查频次",
                "verbose_name_plural": "包保检查频次",
                "ordering": ["role", "-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("role", "version"), name="hazchem_duty_rule_version"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("checks", 0), ("period", "none")),
                            models.Q(
                                models.Q(("period", "none"), _negated=True), ("checks__gte", 1)
                            ),
                            _connector="OR",
                        ),
                        name="hazchem_duty_rule_checks",
                    ),
                ],
            },
        ),
    ]
