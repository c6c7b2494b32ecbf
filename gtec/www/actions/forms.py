"""Forms of the action plan."""

from __future__ import annotations

import re

from django import forms

from gtec.actions.models import RETEX_KINDS, STATUSES, Action
from gtec.actions.queries import indicator_choices
from gtec.organisations.models import Organisation

ROME = re.compile(r"^[A-Z]\d{4}$")
FAP = re.compile(r"^[A-Z0-9]{5}$")


class ActionForm(forms.ModelForm):
    lead = forms.ModelChoiceField(
        Organisation.objects.filter(erased_at__isnull=True), label="Organisation pilote"
    )
    partners = forms.ModelMultipleChoiceField(
        Organisation.objects.filter(erased_at__isnull=True), required=False, label="Partenaires"
    )
    occupations_text = forms.CharField(
        label="Métiers concernés (codes ROME séparés par des espaces, ex. J1501 K2204)", required=False
    )

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "lead",
            "partners",
            "budget",
            "start",
            "end",
            "status",
            "target_public",
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_occupations_text(self):
        codes = self.cleaned_data["occupations_text"].upper().split()
        bad = [c for c in codes if not ROME.match(c)]
        if bad:
            raise forms.ValidationError(
                f"code ROME invalide : {bad[0]} (forme attendue : une lettre et 4 chiffres)"
            )
        return list(dict.fromkeys(codes))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "La fin précède le début.")
        return data


class IndicatorForm(forms.Form):
    indicator = forms.ChoiceField(label="Indicateur à faire bouger", required=False)
    occupation = forms.CharField(
        label="Métier (code FAP 2021, vide = tous métiers)", required=False, max_length=8
    )
    target = forms.FloatField(label="Cible", required=False)
    direction = forms.ChoiceField(
        label="Sens visé", choices=[("baisse", "à la baisse"), ("hausse", "à la hausse")]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—"), *indicator_choices()]

    def clean_occupation(self):
        code = self.cleaned_data["occupation"].strip().upper()
        if code and not FAP.match(code):
            raise forms.ValidationError("code FAP 2021 invalide (5 caractères, ex. T4X60)")
        return code


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=2, max_num=5)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="État", choices=STATUSES)


class ContributionForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label="Au nom de")
    description = forms.CharField(label="Apport", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    amount = forms.DecimalField(label="Montant (€, facultatif)", required=False, min_value=0, max_digits=12)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )


class RetexForm(forms.Form):
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Nature", choices=RETEX_KINDS)
    title = forms.CharField(label="Titre", max_length=200)
    text = forms.CharField(
        label="Ce qui s'est passé", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )
