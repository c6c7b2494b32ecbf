"""Territories at every scale, one model. A territory is named everywhere (URLs, exports, command line)
by its stable key `SCALE:CODE`: `commune:56260`, `epci:200067932`, `ze:5318`, `bassin:5310`, `dep:56`,
`reg:53`, `custom:pays-de-vannes`. Every territory above the commune lists its communes in `Membership`,
so any aggregate is a sum over member communes."""

from django.db import models

from gtec_core.french import de

SCALES = [
    ("reg", "Région"),
    ("dep", "Département"),
    ("ze", "Zone d'emploi"),
    ("bassin", "Bassin BMO"),
    ("epci", "Intercommunalité (EPCI)"),
    ("commune", "Commune"),
    ("custom", "Territoire de projet"),
]
SCALE_LABELS = dict(SCALES)


def make_key(scale: str, code: str) -> str:
    return f"{scale}:{code}"


class TerritoryQuerySet(models.QuerySet):
    def of_scale(self, scale: str):
        return self.filter(scale=scale)

    def containing(self, commune: "Territory"):
        return self.filter(memberships__commune=commune)


class Territory(models.Model):
    key = models.CharField("identifiant", max_length=60, unique=True)
    scale = models.CharField("échelle", max_length=10, choices=SCALES, db_index=True)
    code = models.CharField("code", max_length=40)
    name = models.CharField("nom", max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    population = models.IntegerField("population municipale", default=0)
    nature = models.CharField(
        "nature juridique", max_length=10, blank=True, help_text="CA, CC, CU, ME pour un EPCI"
    )
    postal_codes = models.CharField("codes postaux", max_length=200, blank=True)
    description = models.TextField("description", blank=True)
    geometry = models.TextField("contour GeoJSON", blank=True)
    actif = models.BooleanField("actif", default=True)
    retire_en = models.CharField("retiré à la version", max_length=40, blank=True)
    editable = models.BooleanField("défini par les utilisateurs", default=False)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["scale", "name"]
        verbose_name = "territoire"
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="uniq_territory_scale_code")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def scale_label(self) -> str:
        return SCALE_LABELS.get(self.scale, self.scale)

    @property
    def display_name(self) -> str:
        if self.scale == "ze":
            return f"Zone d'emploi {de(self.name)}"
        if self.scale == "bassin":
            return f"Bassin BMO {de(self.name.title())}"
        return self.name

    @property
    def of_name(self) -> str:
        """The name after « de », as a sentence needs it: « de Vannes », « d'Auray », « du Pays de Vannes »,
        « du Morbihan », « de la zone d'emploi d'Auray » (any scale, user-created territories included)."""
        if self.scale == "ze":
            return f"de la zone d'emploi {de(self.name)}"
        if self.scale == "bassin":
            return f"du bassin BMO {de(self.name.title())}"
        return de(self.name, area=self.scale != "commune")

    def communes(self):
        if self.scale == "commune":
            return Territory.objects.filter(pk=self.pk)
        return Territory.objects.filter(scale="commune", member_of__territory=self)


class Membership(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="memberships")
    commune = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="member_of")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["territory", "commune"], name="uniq_membership")]
