# The FAP-2021 ↔ ROME bridge moves from the labour app to the referentials (state only: the table is kept).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referentials", "0001_initial"),
        ("labour", "0003_passerelle_fap_rome"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PasserelleFapRome",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code_fap2021", models.CharField(max_length=8, verbose_name="FAP 2021")),
                        ("code_rome", models.CharField(db_index=True, max_length=5, verbose_name="ROME")),
                        (
                            "weight",
                            models.FloatField(verbose_name="part des effectifs de la FAP donnée à la fiche"),
                        ),
                        (
                            "rome_share",
                            models.FloatField(verbose_name="part des effectifs de la fiche donnée à la FAP"),
                        ),
                        ("route", models.CharField(max_length=30, verbose_name="voie")),
                        ("confidence", models.FloatField(verbose_name="confiance")),
                    ],
                    options={
                        "verbose_name": "passerelle FAP 2021 ↔ ROME",
                        "db_table": "labour_passerellefaprome",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("code_fap2021", "code_rome"), name="uniq_passerelle_fap_rome"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
