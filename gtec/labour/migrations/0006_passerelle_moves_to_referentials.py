# The FAP-2021 ↔ ROME bridge moves to the referentials (state only: the table `labour_passerellefaprome` stays).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("labour", "0005_serie_demandeurs"),
        ("referentials", "0002_passerelle_fap_rome"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PasserelleFapRome")],
            database_operations=[],
        ),
    ]
