"""The training body's offer form (checked here; saved by gtec.training.editing)."""

from __future__ import annotations

import re

from django import forms
from django.urls import reverse

from gtec.referentials.models import Fiche
from gtec.referentials.search import OCCUPATION_SEPARATORS, read_occupation
from gtec.territories import communes
from gtec.training.editing import OfferInput
from gtec_core.weburl import web_url_problem

SPLIT = re.compile(r"[\s,;]+")
CERT = re.compile(r"^(RNCP|RS)(\d{1,6})$")
MAX_TEXT = 5000
MAX_COMMUNE = communes.MAX_CHARS


def check_web_url(value: str) -> None:
    problem = web_url_problem(value)
    if problem:
        raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")


class OfferForm(forms.Form):
    intitule = forms.CharField(label="Intitulé de la formation", max_length=255)
    # bounded (review 2026-12-04 §2.1: 1 MB each was accepted, and copied into every version)
    objectif = forms.CharField(
        label="Objectif", required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )
    contenu = forms.CharField(
        label="Contenu", required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5})
    )
    certifiante = forms.BooleanField(label="Formation certifiante", required=False)
    romes = forms.CharField(
        label="Métiers visés",
        required=False,
        max_length=2000,
        help_text=(
            "Tapez un métier et choisissez-le dans la liste, par exemple « serveur en restauration ». "
            "Plusieurs métiers : séparez-les par « ; ». Un code ROME (G1803) est aussi accepté."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-fill-separator": "; "}),
    )
    certifications = forms.CharField(
        label="Certifications (RNCP12345, RS1234…)", required=False, max_length=200
    )
    url = forms.URLField(
        label="Page web", required=False, max_length=500, assume_scheme="https", validators=[check_web_url]
    )
    commune = forms.CharField(
        label="Commune du lieu de formation",
        max_length=MAX_COMMUNE,
        required=False,
        help_text=(
            "Tapez le nom de la commune, par exemple « Vannes ». Si plusieurs communes portent ce nom, "
            "ajoutez le département : « Saint-Avé (56) »."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": f"Nom de commune trop long ({MAX_COMMUNE} caractères au plus)."},
    )
    debut = forms.DateField(
        label="Nouvelle session : début", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    fin = forms.DateField(label="Fin", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    nb_places = forms.IntegerField(label="Places", required=False, min_value=0, max_value=100000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organisations=None, require_place: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # suggestions while typing (gtec.js, data-fill-ac); without JavaScript the text is read on the server
        self.fields["commune"].widget.attrs["data-fill-ac"] = reverse("api_communes")
        self.fields["romes"].widget.attrs["data-fill-ac"] = reverse("api_appellations")
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                queryset=organisations, label="Organisme (votre organisation)", empty_label=None
            )
            self.order_fields(["organisation"])
        if require_place:
            self.fields["commune"].required = True
            self.fields["debut"].required = True

    def clean_romes(self) -> list[str]:
        entries = [read_occupation(part) for part in OCCUPATION_SEPARATORS.split(self.cleaned_data["romes"])]
        entries = [e for e in entries if e.text]
        problems = [e.problem for e in entries if e.problem]
        if problems:
            raise forms.ValidationError(problems)
        codes = [c for e in entries for c in e.codes]
        known = set(Fiche.objects.filter(code_rome__in=codes).values_list("code_rome", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(f"Fiche ROME inconnue : {', '.join(unknown)}.")
        return list(dict.fromkeys(codes))

    def clean_certifications(self) -> list[str]:
        out = []
        for code in SPLIT.split(self.cleaned_data["certifications"].upper()):
            if not code:
                continue
            match = CERT.match(code)
            if not match:
                raise forms.ValidationError(f"code de certification invalide : {code} (RNCP12345 ou RS1234)")
            out.append(f"{match.group(1)}{int(match.group(2))}")
        return list(dict.fromkeys(out))

    def clean_commune(self) -> str:
        """The INSEE code of the commune the text names; a French message when it names none or several."""
        text = self.cleaned_data["commune"].strip()
        if not text:
            return ""
        found = communes.lookup(text)
        if found.found is None:
            raise forms.ValidationError(found.problem())
        return found.found.code

    def clean(self):
        data = super().clean()
        debut, fin = data.get("debut"), data.get("fin")
        if fin and not debut:
            self.add_error("debut", "Date de début manquante.")
        if debut and fin and fin < debut:
            self.add_error("fin", "La fin précède le début.")
        if debut and not data.get("commune") and "commune" in self.fields and self.fields["commune"].required:
            self.add_error("commune", "Indiquez la commune du lieu de formation.")
        return data

    def offer(self) -> OfferInput:
        d = self.cleaned_data
        return OfferInput(
            intitule=d["intitule"].strip(),
            objectif=d["objectif"].strip(),
            contenu=d["contenu"].strip(),
            certifiante=d["certifiante"],
            romes=tuple(d["romes"]),
            certifications=tuple(d["certifications"]),
            url=d["url"],
            commune=d["commune"],
            debut=d["debut"],
            fin=d["fin"],
            nb_places=d["nb_places"],
        )


class LheoUploadForm(forms.Form):
    """A training body's own LHEO export, imported in the background into the body's own feed."""

    organisation = forms.ModelChoiceField(label="Organisme de formation", queryset=None, empty_label=None)
    fichier = forms.FileField(label="Export LHEO (fichier XML)")
    MAX_BYTES = 50 * 1024 * 1024

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean_fichier(self):
        f = self.cleaned_data["fichier"]
        if not f.name.lower().endswith(".xml"):
            raise forms.ValidationError("Déposez l'export LHEO au format XML (fichier .xml).")
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError("Fichier trop volumineux (50 Mo au plus).")
        return f
