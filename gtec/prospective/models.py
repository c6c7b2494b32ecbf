"""The official projection « Les métiers en 2030 » (stored exactly as published), the sector × occupation
staffing matrix used by stress tests, and saved stress tests (permalinks)."""

from django.db import models

from gtec.imports.models import ImportRun


class RegionalProjection(models.Model):
    """One FAP family × région of « Les métiers en 2030 » (Dares, 2023), values in thousands over 2019-2030
    as published; `jeunes_debutants` keeps the published negative sign."""

    code_region = models.CharField("région", max_length=3)
    region = models.CharField("libellé de la région", max_length=60)
    code_fap = models.CharField("famille FAP", max_length=40)
    libelle_fap = models.CharField("libellé", max_length=200)
    effectifs_2019 = models.FloatField("emploi 2019 (milliers)")
    part_metier_region = models.FloatField("part de l'emploi de la région")
    indice_specificite = models.FloatField("indice de spécificité")
    creations = models.FloatField("créations nettes 2019-2030 (milliers)")
    departs = models.FloatField("départs en fin de carrière (milliers)")
    jeunes_debutants = models.FloatField("jeunes débutants (milliers, signe publié)")
    mobilites = models.FloatField("solde des mobilités interrégionales (milliers)")
    desequilibre = models.FloatField("déséquilibre potentiel (milliers)")
    postes_a_pourvoir = models.FloatField("postes à pourvoir (milliers)")
    niveau_tension_2019 = models.CharField("niveau de tension 2019", max_length=12)

    class Meta:
        verbose_name = "projection régionale (Métiers 2030)"
        constraints = [
            models.UniqueConstraint(fields=["code_region", "code_fap"], name="uniq_projection_reg_fap")
        ]


class StaffingCell(models.Model):
    """Employment of a FAP-87 family in a NAF A38 sector (national). `source` = dares-portrait (public,
    partly approximated) or import (a full matrix from `gtec import staffing FILE`)."""

    source = models.CharField("source", max_length=20)
    secteur = models.CharField("secteur NAF A38", max_length=2)
    code_fap = models.CharField("FAP-87", max_length=3)
    effectif = models.FloatField("emploi")
    approximation = models.BooleanField("réparti par approximation", default=False)

    class Meta:
        verbose_name = "structure des emplois secteur × métier"
        constraints = [
            models.UniqueConstraint(fields=["source", "secteur", "code_fap"], name="uniq_staffing_cell")
        ]


class StressTest(models.Model):
    """A declared shock on a territory, saved for its permalink (`token`)."""

    token = models.CharField("jeton", max_length=22, unique=True)
    territory_key = models.CharField("territoire", max_length=60)
    shock = models.TextField("choc (YAML)")
    name = models.CharField("nom", max_length=200, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "test de résistance"
