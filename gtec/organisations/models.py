"""Organisations of the territory (companies and the employment, training and integration actors) and the
people who act for them, each with one role.

Contact data are kept minimal (GDPR, data minimisation): an organisation holds an optional contact email;
people are Django users (email, name) linked to organisations by `Member`. Everything an organisation
holds can be exported and erased (`services.organisation_export`, `services.organisation_erase`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gtec_core import siret as sirets
from gtec_core.surveys.schema import ORGANISATION_KINDS, SIZE_BANDS, naf_section

COORDINATOR = "coordinateur"
ADMIN = "admin"
CONTRIBUTOR = "contributeur"
READER = "lecteur"
ROLES = [
    (COORDINATOR, "Coordinateur du territoire"),
    (ADMIN, "Administrateur de l'organisation"),
    (CONTRIBUTOR, "Contributeur"),
    (READER, "Lecteur"),
]
ROLE_LABELS = dict(ROLES)


class Organisation(models.Model):
    name = models.CharField("raison sociale", max_length=200)
    kind = models.CharField("type", max_length=30, choices=ORGANISATION_KINDS, default="entreprise")
    siret = models.CharField("SIRET", max_length=14, blank=True)
    siren = models.CharField("SIREN", max_length=9, blank=True, db_index=True)
    naf = models.CharField("code NAF", max_length=6, blank=True)
    size_band = models.CharField("tranche d'effectif", max_length=10, choices=SIZE_BANDS, blank=True)
    commune = models.ForeignKey(
        "territories.Territory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        limit_choices_to={"scale": "commune"},
    )
    contact_email = models.EmailField("courriel de contact", blank=True)
    unit_key = models.CharField(
        "unité statistique", max_length=40, blank=True, help_text="SIREN, ou pseudonyme après effacement"
    )
    synthetic = models.BooleanField("données de démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField("effacée le", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["siret"], condition=~models.Q(siret=""), name="uniq_org_siret")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.siret:
            self.siret = sirets.normalize(self.siret)
            self.siren = self.siret[:9]
        if not self.unit_key and self.siren:
            self.unit_key = self.siren
        super().save(*args, **kwargs)
        if not self.unit_key:  # no SIREN (association without one…): the organisation is its own unit
            self.unit_key = f"org-{self.pk}"
            super().save(update_fields=["unit_key"])

    @property
    def section(self) -> str:
        return naf_section(self.naf)


class MemberQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class Member(models.Model):
    """A person acting for an organisation, with one role; a coordinator is bound to a territory."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    role = models.CharField("rôle", max_length=20, choices=ROLES)
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, null=True, blank=True, related_name="coordinators"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role", "territory"], name="uniq_member"),
            models.CheckConstraint(
                condition=~models.Q(role=COORDINATOR) | models.Q(territory__isnull=False),
                name="coordinator_has_territory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {ROLE_LABELS.get(self.role, self.role)}"


class Invitation(models.Model):
    email = models.EmailField("courriel")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField("rôle", max_length=20, choices=ROLES)
    territory = models.ForeignKey("territories.Territory", on_delete=models.PROTECT, null=True, blank=True)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"
