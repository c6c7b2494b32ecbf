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
