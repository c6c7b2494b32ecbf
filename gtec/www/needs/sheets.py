"""Files of the needs area: a company's own filled template, the coordinator's additions of
organisations (one by one or from a CSV list) and the CSV/XLSX export of a campaign's published results.
Views stay thin: check a predicate of perms.py, call a query or service, render."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gtec.organisations.mail import MailError
from gtec.surveys import enrolment, exports, perms, services
from gtec.surveys.models import Campaign
from gtec.www.inputs import attachment
from gtec.www.needs.forms import AnswerWorkbookForm, OrganisationAddForm, RosterForm
from gtec.www.needs.views import NAV, _answering, _campaign_for
from gtec_core.errors import SourceError
from gtec_core.exports import write_table
from gtec_core.surveys.roster import Entry, check_entry, read_roster

login = login_required(login_url="login")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _refused(request, campaign, errors, back: str, form=None):
    return render(
        request,
        "www/needs/import_errors.html",
        {"campaign": campaign, "errors": errors, "form": form, "back": back, "nav": NAV},
        status=400,
    )


@login
@require_POST
def questionnaire_workbook(request, pk: int, org: int):
    """A company imports its filled template: saved as its answer, as the form saves it (a draft, or
    sent), with the same checks and the same version rule."""
    campaign, organisation = _answering(request, pk, org)
    if not perms.can_answer(request.user, campaign, organisation):
        raise PermissionDenied("Vous ne pouvez pas modifier cette réponse")
    back = reverse("questionnaire", args=[pk, org])
    form = AnswerWorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, campaign, [], back, form)
    upload = form.cleaned_data["fichier"]
    submit = request.POST.get("action") == "envoyer"
    try:
        base = int(request.POST.get("base_version") or 0)
    except ValueError:
        base = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reponse.xlsx"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            result, errors = services.response_import(
                campaign=campaign, organisation=organisation, path=path, user=request.user,
                base_version=base, submit=submit, name=upload.name,
            )  # fmt: skip
        except (services.Conflict, services.CampaignClosed) as exc:
            messages.error(request, str(exc))
            return redirect(back)
        except SourceError as exc:  # a damaged workbook: a French message, never a 500
            return _refused(request, campaign, [f"fichier « {upload.name} » : {exc.message}"], back)
    if errors:
        return _refused(request, campaign, errors, back)
    state = "envoyée" if submit else "enregistrée comme brouillon"
    messages.success(
        request, f"Classeur « {upload.name} » importé : réponse {state} (version {result.version.number})."
    )
    if submit:
        return redirect("give_to_get", pk=pk, org=org)
    return redirect(back)


def _accept_url(request) -> str:
    return request.build_absolute_uri(reverse("invitation", args=["TOKEN"])).replace("TOKEN", "{token}")


@login
def organisation_add(request, pk: int):
    """Create one organisation of the campaign's territory, invite it and e-mail its administrator."""
    campaign = _campaign_for(request, pk)
    communes = campaign.territory.communes().order_by("name")
    form = OrganisationAddForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        entry = Entry(
            0, d["raison_sociale"].strip(), d["siret"], d["courriel"].lower(), d["commune"], d["naf"]
        )
        errors = check_entry(entry)
        if not errors:
            try:
                done, errors = enrolment.enrol(
                    campaign, [entry], user=request.user, accept_url=_accept_url(request)
                )
            except (MailError, ValidationError) as exc:
                errors = [" ".join(getattr(exc, "messages", [str(exc)]))]
        if not errors:
            messages.success(request, done.summary())
            return redirect("campaign_manage", pk=pk)
        for e in errors:
            form.add_error(None, f"{e.column} : {e.message}" if hasattr(e, "column") else str(e))
    return render(
        request,
        "www/needs/organisation_add.html",
        {"campaign": campaign, "form": form, "roster": RosterForm(), "nav": NAV},
        status=400 if form.errors else 200,
    )


@login
@require_POST
def organisation_roster(request, pk: int):
    """The same from a CSV list: every line, or nothing."""
    campaign = _campaign_for(request, pk)
    back = reverse("organisation_add", args=[pk])
    form = RosterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, campaign, [], back, form)
    upload = form.cleaned_data["fichier"]
    entries, errors = read_roster(upload.read(), upload.name)
    if not errors:
        try:
            done, errors = enrolment.enrol(
                campaign, entries, user=request.user, accept_url=_accept_url(request), file=upload.name
            )
        except (MailError, ValidationError) as exc:
            errors = [" ".join(getattr(exc, "messages", [str(exc)]))]
    if errors:
        return _refused(request, campaign, errors, back)
    messages.success(request, f"Liste « {upload.name} » : {done.summary()}")
    return redirect("campaign_manage", pk=pk)


def campaign_export(request, pk: int, fmt: str):
    """The campaign's published results in CSV or XLSX, under the same secrecy as the page."""
    campaign = get_object_or_404(Campaign.objects.select_related("territory"), pk=pk)
    if campaign.status == "brouillon" and not perms.can_manage_campaign(request.user, campaign):
        raise Http404("Campagne non publiée")
    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu")
    body = write_table(
        exports.results_table(campaign),
        fmt,
        title=f"{campaign.name} — {campaign.territory.display_name} : résultats agrégés de l'enquête",
        note="Valeurs en nombre d'établissements répondants ou de postes ; « s » dans la colonne secret.",
    )
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    return attachment(response, f"enquete-besoins-{campaign.pk}.{fmt}")
