"""Forms of the needs area (campaigns, invitations, workbook upload, invitation acceptance)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from gtec.organisations.models import ROLES
from gtec.surveys.models import Campaign


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "territory", "period_start", "period_end", "charter"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, territories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            raise forms.ValidationError("La fin de la campagne précède son début.")
        return data


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label="Courriel")
    role = forms.ChoiceField(label="Rôle", choices=[r for r in ROLES if r[0] != "coordinateur"])


class WorkbookForm(forms.Form):
    fichier = forms.FileField(label="Classeur XLSX rempli")

    def clean_fichier(self):
        f = self.cleaned_data["fichier"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Déposez un classeur .xlsx établi à partir du modèle.")
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Fichier trop volumineux (5 Mo au plus).")
        return f


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(label="Mot de passe", widget=forms.PasswordInput)
    password2 = forms.CharField(label="Confirmation", widget=forms.PasswordInput)

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError("Les deux mots de passe diffèrent.")
        if data.get("password1"):
            from django.contrib.auth import get_user_model

            validate_password(data["password1"], get_user_model()(username=self.email, email=self.email))
        return data


class AnswerWorkbookForm(WorkbookForm):
    """A company's own filled template: one establishment, so a small file."""

    MAX_BYTES = 1024 * 1024

    def clean_fichier(self):
        f = super().clean_fichier()
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError("Fichier trop volumineux (1 Mo au plus pour un établissement).")
        return f


class OrganisationAddForm(forms.Form):
    raison_sociale = forms.CharField(label="Raison sociale", max_length=200)
    siret = forms.CharField(label="SIRET", max_length=20, help_text="14 chiffres")
    naf = forms.CharField(label="Code NAF", max_length=8, required=False, help_text="5610C ou 56.10C")
    commune = forms.ChoiceField(label="Commune")
    courriel = forms.EmailField(label="Courriel de la personne à inviter (administrateur)")

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", "— choisir —")] + [(c.code, c.name) for c in communes]


class RosterForm(forms.Form):
    fichier = forms.FileField(label="Liste CSV des organisations")

    def clean_fichier(self):
        from gtec_core.surveys.roster import MAX_BYTES

        f = self.cleaned_data["fichier"]
        if not f.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Déposez un fichier .csv (séparateur point-virgule ou virgule).")
        if f.size > MAX_BYTES:
            raise forms.ValidationError(f"Fichier trop volumineux ({MAX_BYTES // 1024} Kio au plus).")
        return f
