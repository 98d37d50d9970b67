"""EnforcementRecord moves here from appeals (its table and every row stay where they are), and
MessageExclusion holds the buyer messages the CS evaluation leaves out.

The move is state only: the model keeps its table `appeals_enforcementrecord`, and appeals 0004
deletes its own copy from the state and renames the content type. GuidelineFlag's foreign key
already points at that table; only the state learns it is this app's model now.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0012_api_tokens_revoked_rate_by_key"),
        # The moved table was created by appeals 0001: 0005 already depends on appeals 0002,
        # and no new migration of this app depends on appeals.
        ("seller_portal", "0002_staff_groups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EnforcementRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("cs_response_warning", "Peringatan waktu balas chat"),
                                    ("tier_at_risk", "Tingkat toko berisiko"),
                                    ("guideline_violation", "Pelanggaran pedoman"),
                                    ("manual_restriction", "Pembatasan oleh staf"),
                                ],
                                max_length=32,
                                verbose_name="jenis",
                            ),
                        ),
                        ("key", models.CharField(max_length=100)),
                        ("issued_on", models.DateField(verbose_name="diterbitkan")),
                        ("details", models.JSONField(blank=True, default=dict)),
                        (
                            "withdrawn_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="ditarik pada"),
                        ),
                        (
                            "voided_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="dibatalkan pada"
                            ),
                        ),
                        (
                            "void_reason",
                            models.TextField(blank=True, verbose_name="alasan pembatalan"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "shop",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="enforcement_records",
                                to="seller_portal.shop",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "catatan penegakan",
                        "verbose_name_plural": "catatan penegakan",
                        "db_table": "appeals_enforcementrecord",
                        "ordering": ["-issued_on", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("shop", "kind", "key"), name="enforcement_natural_key"
                            )
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="guidelineflag",
                    name="enforcement",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="performance.enforcementrecord",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="MessageExclusion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("conversation", models.CharField(max_length=100, verbose_name="percakapan")),
                ("message_id", models.CharField(max_length=100, verbose_name="id pesan")),
                (
                    "source_kind",
                    models.CharField(
                        choices=[("abuse_ticket", "Tiket pembeli kasar terverifikasi")],
                        max_length=16,
                        verbose_name="jenis sumber",
                    ),
                ),
                ("source_id", models.PositiveBigIntegerField(verbose_name="sumber")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "shop",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="message_exclusions",
                        to="seller_portal.shop",
                    ),
                ),
            ],
            options={
                "verbose_name": "pesan yang dikecualikan",
                "verbose_name_plural": "pesan yang dikecualikan",
                "ordering": ["shop", "message_id", "source_id"],
                "indexes": [
                    models.Index(fields=["shop", "message_id"], name="message_exclusion_shop")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("source_kind", "source_id", "message_id"),
                        name="message_exclusion_per_source",
                    )
                ],
            },
        ),
    ]
