"""HTTP of the needs area: accounts, campaigns, the questionnaire, give-to-get, organisations.
Views stay thin: check a predicate of perms.py, call a query or service, render."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_POST

from gtec.jobs import services as jobs
from gtec.organisations import perms as operms
from gtec.organisations import services as oservices
from gtec.organisations.auth import ThrottledAuthenticationForm, ThrottledPasswordResetForm
from gtec.organisations.mail import MailError
from gtec.organisations.models import COORDINATOR, ROLE_LABELS, Member, Organisation
from gtec.surveys import perms, queries, services
from gtec.surveys.models import AccessLog, Campaign, Participation, Response
from gtec.www.inputs import BadInput, attachment, int_param, json_body, request_json
from gtec.www.needs.forms import AcceptInvitationForm, CampaignForm, InviteMemberForm, WorkbookForm
from gtec_core.french import count_fr
from gtec_core.surveys import schema

ROME_CODE = re.compile(r"[A-N]\d{4}")

login = login_required(login_url="login")
NAV = "besoins"


# ---- accounts -------------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    extra_context = {"nav": NAV}

    def get_default_redirect_url(self):
        return reverse("needs_home")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ThrottledPasswordResetForm
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")


def invitation(request, token: str):
    """Accept an invitation. It is bound to its e-mail address: a signed-in person of another address is
    refused; without an account, the link creates the account of that address."""
    inv = oservices.Invitation.objects.filter(token=token, accepted_at__isnull=True).first()
    if inv is None:
        raise Http404("Invitation inconnue ou déjà utilisée")
    form = AcceptInvitationForm(request.POST or None, email=inv.email)
    wrong_account = request.user.is_authenticated and not oservices.invitation_for(request.user, inv)
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                oservices.invitation_accept(token=token, user=request.user)
                return redirect("needs_home")
            if form.is_valid():
                oservices.invitation_accept(token=token, password=form.cleaned_data["password1"])
                messages.success(request, "Compte créé : connectez-vous avec votre courriel.")
                return redirect("login")
        except oservices.WrongInvitee as exc:
            return render(
                request,
                "registration/invitation.html",
                {"inv": inv, "form": form, "nav": NAV, "refused": str(exc)},
                status=403,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "registration/invitation.html",
        {"inv": inv, "form": form, "nav": NAV, "wrong_account": wrong_account},
        status=400 if request.method == "POST" else 200,
    )


# ---- public and personal home ---------------------------------------------------------------------------


def needs_home(request):
    submitted = Response.objects.filter(campaign=OuterRef("pk"), submitted__isnull=False)
    public = Campaign.objects.exclude(status="brouillon").annotate(has=Exists(submitted)).filter(has=True)
    mine = queries.campaigns_of(request.user).select_related("territory")
    coordinated = Member.objects.of(request.user).filter(role=COORDINATOR).select_related("territory")
    participations = (
        Participation.objects.filter(organisation__in=queries.organisations_of(request.user))
        .select_related("campaign", "organisation")
        .order_by("-campaign__period_start")
    )
    responses = {
        (r.campaign_id, r.organisation_id): r
        for r in Response.objects.filter(organisation__in=queries.organisations_of(request.user))
    }
    return render(
        request,
        "www/needs/home.html",
        {
            "public": public.select_related("territory"),
            "mine": mine,
            "coordinated": coordinated,
            "participations": [
                (p, responses.get((p.campaign_id, p.organisation_id))) for p in participations
            ],
            "organisations": queries.organisations_of(request.user),
            "nav": NAV,
        },
    )


def campaign_results(request, pk: int):
    """Public aggregates of a campaign: everyone sees them, under statistical secrecy."""
    campaign = get_object_or_404(Campaign.objects.select_related("territory"), pk=pk)
    if campaign.status == "brouillon" and not perms.can_manage_campaign(request.user, campaign):
        raise Http404("Campagne non publiée")
    results = queries.campaign_results(campaign)
    horizons = [(key, label, results.needs[key]) for key, label in HORIZON_LABELS]
    return render(
        request,
        "www/needs/results.html",
        {"campaign": campaign, "r": results, "horizons": horizons, "nav": NAV},
    )


HORIZON_LABELS = [("12m", "Recrutements prévus à 12 mois"), ("5ans", "Départs à remplacer d'ici 5 ans")]


# ---- coordinator ----------------------------------------------------------------------------------------


@login
def campaign_new(request):
    territories = [m.territory for m in Member.objects.of(request.user).filter(role=COORDINATOR)]
    if not territories:
        raise PermissionDenied("Réservé aux coordinateurs de territoire")
    qs = type(territories[0]).objects.filter(pk__in=[t.pk for t in territories])
    form = CampaignForm(request.POST or None, territories=qs)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.created_by = request.user
        campaign.save()
        return redirect("campaign_manage", pk=campaign.pk)
    return render(request, "www/needs/campaign_form.html", {"form": form, "nav": NAV})


def _campaign_for(request, pk: int) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("territory"), pk=pk)
    if not perms.can_manage_campaign(request.user, campaign):
        raise PermissionDenied("Réservé aux coordinateurs du territoire de la campagne")
    return campaign


@login
def campaign_manage(request, pk: int):
    campaign = _campaign_for(request, pk)
    charter_ok = perms.has_accepted_charter(request.user, campaign)
    participations = campaign.participations.select_related("organisation", "organisation__commune").order_by(
        "organisation__name"
    )
    responses = {r.organisation_id: r for r in campaign.responses.all()}
    invitable = (
        Organisation.objects.filter(erased_at__isnull=True, commune__member_of__territory=campaign.territory)
        .exclude(participations__campaign=campaign)
        .order_by("name")[:200]
    )
    return render(
        request,
        "www/needs/campaign_manage.html",
        {
            "campaign": campaign,
            "progress": queries.campaign_progress(campaign),
            "rates": queries.response_rates(campaign),
            "rows": [(p, responses.get(p.organisation_id)) for p in participations],
            "charter_ok": charter_ok,
            "invitable": invitable,
            "upload": WorkbookForm(),
            "nav": NAV,
        },
    )


@login
@require_POST
def campaign_action(request, pk: int):
    campaign = _campaign_for(request, pk)
    action = request.POST.get("action")
    if action == "ouvrir":
        services.campaign_open(campaign)
        messages.success(request, "Campagne ouverte.")
    elif action == "clore" and request.POST.get("confirmer") != "1":
        messages.error(
            request, "Cochez la case de confirmation pour clore la campagne : rien n'a été changé."
        )
    elif action == "clore":
        services.campaign_close(campaign)
        messages.success(request, "Campagne close : les réponses sont figées.")
    elif action == "relancer":
        try:
            n = services.campaign_remind(campaign, url=request.build_absolute_uri(reverse("needs_home")))
        except MailError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{count_fr(n, 'organisation relancée', 'organisations relancées')}.")
    elif action == "inviter":
        ids = [int(i) for i in request.POST.getlist("organisations") if i.isdigit()][:1000]
        chosen = list(Organisation.objects.filter(pk__in=ids))
        refused = [o for o in chosen if not perms.can_invite(request.user, campaign, o)]
        if refused or len(chosen) != len(set(ids)):
            return HttpResponse(
                "Organisation hors du territoire de la campagne, effacée ou inconnue : aucune invitation.",
                status=403,
                content_type="text/plain; charset=utf-8",
            )
        n = services.campaign_invite(campaign, chosen)
        messages.success(request, f"{count_fr(n, 'organisation invitée', 'organisations invitées')}.")
    elif action == "charte":
        services.charter_accept(campaign, request.user)
        messages.success(request, "Charte acceptée : vos consultations de réponses seront journalisées.")
    else:
        return HttpResponse("Action inconnue", status=400)
    return redirect("campaign_manage", pk=campaign.pk)


@login
@require_POST
def campaign_import(request, pk: int):
    campaign = _campaign_for(request, pk)
    if not perms.can_import_workbook(request.user, campaign):
        raise PermissionDenied("La campagne doit être ouverte pour importer")
    form = WorkbookForm(request.POST, request.FILES)
    errors: list = []
    if form.is_valid():
        # A background job (gtec/jobs): the page follows its progress; run at once when jobs are eager.
        job = jobs.enqueue(
            "classeur_enquete",
            user=request.user,
            label=f"Import d'un classeur de réponses — {campaign.name}",
            campaign=campaign.pk,
            user_id=request.user.pk,
            name=form.cleaned_data["fichier"].name,
            path=jobs.store_upload(form.cleaned_data["fichier"], "reponses.xlsx"),
        )
        if not job.finished:
            return redirect("job", pk=job.pk)
        if job.status == "termine":
            messages.success(request, job.result.get("resume", "Classeur importé."))
            return redirect("campaign_manage", pk=campaign.pk)
        errors = job.result.get("erreurs") or [job.error]
    return render(
        request,
        "www/needs/import_errors.html",
        {"campaign": campaign, "errors": errors, "form": form, "nav": NAV},
        status=400,
    )


def workbook_template(request, pk: int):
    """The empty questionnaire workbook with its drop-down lists and the ROME appellations (cached); a
    draft campaign's only for its coordinators."""
    campaign = get_object_or_404(Campaign, pk=pk)
    if campaign.status == "brouillon" and not perms.can_manage_campaign(request.user, campaign):
        raise Http404("Campagne non publiée")
    response = HttpResponse(
        queries.workbook_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return attachment(response, f"questionnaire-gtec-{campaign.pk}.xlsx")


# ---- questionnaire --------------------------------------------------------------------------------------


def _answering(request, pk: int, org: int) -> tuple[Campaign, Organisation]:
    campaign = get_object_or_404(Campaign, pk=pk)
    organisation = get_object_or_404(Organisation, pk=org)
    if not operms.is_member(request.user, organisation):
        raise PermissionDenied("Réservé aux membres de l'organisation")
    return campaign, organisation


@login
def questionnaire(request, pk: int, org: int):
    campaign, organisation = _answering(request, pk, org)
    response = (
        Response.objects.filter(campaign=campaign, organisation=organisation).select_related("latest").first()
    )
    editable = perms.can_answer(request.user, campaign, organisation)
    data = response.latest.data if response and response.latest else schema.clean_answer({}, final=False)[0]
    version = response.latest.number if response and response.latest else 0
    errors: list = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Vous ne pouvez pas modifier cette réponse")
        try:
            posted = json_body(request.POST.get("data") or "{}")
            if not isinstance(posted, dict):
                raise BadInput("Données illisibles : objet JSON attendu.")
            base = int(request.POST.get("base_version") or 0)
            result = services.response_save(
                campaign=campaign, organisation=organisation, data=posted, user=request.user,
                base_version=base, submit=request.POST.get("action") == "envoyer",
            )  # fmt: skip
        except BadInput as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        except (ValueError, json.JSONDecodeError):
            return HttpResponse("Données illisibles", status=400, content_type="text/plain; charset=utf-8")
        except services.Conflict as exc:
            messages.error(request, str(exc))
            return redirect("questionnaire", pk=pk, org=org)
        except services.CampaignClosed as exc:
            messages.error(request, str(exc))
            return redirect("questionnaire", pk=pk, org=org)
        if request.POST.get("action") == "envoyer" and not result.errors:
            messages.success(request, f"Réponse envoyée (version {result.version.number}). Merci !")
            return redirect("give_to_get", pk=pk, org=org)
        errors, data = result.errors, posted
        version = result.version.number if result.version else version
        if not result.errors:
            messages.success(request, "Brouillon enregistré.")
            return redirect("questionnaire", pk=pk, org=org)
    return render(
        request,
        "www/needs/questionnaire.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "response": response,
            "editable": editable,
            "answer": data,
            "version": version,
            "errors": errors,
            "lists": {
                "age_bands": schema.AGE_BANDS,
                "contracts": schema.CONTRACTS,
                "reasons": schema.REASONS,
            },  # fmt: skip
            "drivers": [(c, lab, c in data.get("moteurs", [])) for c, lab in schema.DRIVERS],
            "formats": [(c, lab, c in data.get("formats", [])) for c, lab in schema.FORMATS],
            "consents": [(c, lab, c == data.get("consentement")) for c, lab in schema.CONSENTS],
            "nav": NAV,
        },
        status=400 if errors else 200,
    )


@login
@require_POST
def questionnaire_autosave(request, pk: int, org: int):
    """Autosave of a draft (JSON in, JSON out). 409 when someone saved in between: nothing overwritten."""
    campaign, organisation = _answering(request, pk, org)
    if not perms.can_answer(request.user, campaign, organisation):
        return JsonResponse({"error": "Vous ne pouvez pas modifier cette réponse."}, status=403)
    try:
        body = request_json(request)
        if not isinstance(body, dict):
            raise BadInput("Données illisibles : objet JSON attendu.")
        result = services.response_save(
            campaign=campaign, organisation=organisation, data=body.get("data") or {}, user=request.user,
            base_version=int(body.get("base_version") or 0),
        )  # fmt: skip
    except BadInput as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except (ValueError, json.JSONDecodeError, AttributeError):
        return JsonResponse({"error": "Données illisibles."}, status=400)
    except services.Conflict as exc:
        return JsonResponse({"error": str(exc), "latest": exc.latest}, status=409)
    except services.CampaignClosed as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    return JsonResponse(
        {
            "version": result.version.number if result.version else 0,
            "created": result.created,
            "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        }
    )


def fiche_items_api(request, code_rome: str):
    return JsonResponse({"code_rome": code_rome, "items": queries.fiche_items(code_rome.upper()[:5])})


@require_GET
def skill_suggestions_api(request):
    """ROME skills for a survey's free-text need (docs/api.md): a malformed or unknown `code_rome` is a 400
    with a French message, never an empty list that would look like « nothing found »."""
    text = request.GET.get("texte", "")[:300]
    code_rome = request.GET.get("code_rome", "").strip().upper()
    if code_rome and not ROME_CODE.fullmatch(code_rome):
        message = f"code_rome : « {code_rome[:20]} » n'est pas un code ROME (une lettre et quatre chiffres, ex. J1501)"
        return JsonResponse({"error": message}, status=400)
    limit = int_param(request.GET.get("limit"), 5, lo=1, hi=20)
    try:
        results = queries.skill_suggestions(text, code_rome, limit=limit)
    except queries.UnknownFiche as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"texte": text, "code_rome": code_rome, "results": results})


# ---- give-to-get, raw answers, organisations ------------------------------------------------------------


@login
def give_to_get(request, pk: int, org: int):
    campaign = get_object_or_404(Campaign.objects.select_related("territory"), pk=pk)
    organisation = get_object_or_404(Organisation, pk=org)
    if not perms.can_view_give_to_get(request.user, campaign, organisation):
        if operms.is_member(request.user, organisation):
            messages.info(request, "Votre retour personnalisé s'affiche une fois votre réponse envoyée.")
            return redirect("campaign_results", pk=pk)
        raise PermissionDenied("Réservé aux membres de l'organisation")
    return render(
        request,
        "www/needs/give_to_get.html",
        {
            "campaign": campaign,
            "organisation": organisation,
            "g": queries.give_to_get(campaign, organisation),
            "nav": NAV,
        },
    )


@login
def response_raw(request, pk: int):
    response = get_object_or_404(Response.objects.select_related("campaign", "organisation"), pk=pk)
    if not perms.can_read_raw(request.user, response):
        raise PermissionDenied(
            "Réponse individuelle : réservée à l'organisation et aux coordinateurs liés par la charte"
        )
    role = "membre" if operms.is_member(request.user, response.organisation) else ROLE_LABELS[COORDINATOR]
    services.access_record(response, request.user, role=role)
    versions = list(queries.response_versions(response))
    return render(
        request,
        "www/needs/response_raw.html",
        {
            "response": response,
            "versions": versions,
            "current": versions[0] if versions else None,
            "nav": NAV,
        },
    )


@login
def organisation_page(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not operms.is_member(request.user, organisation):
        raise PermissionDenied("Réservé aux membres de l'organisation")
    admin = operms.can_manage_members(request.user, organisation)
    form = InviteMemberForm(request.POST or None)
    if request.method == "POST":
        if not admin:
            raise PermissionDenied("Réservé aux administrateurs de l'organisation")
        if form.is_valid():
            url = request.build_absolute_uri(reverse("invitation", args=["TOKEN"])).replace(
                "TOKEN", "{token}"
            )
            try:
                oservices.invitation_create(
                    email=form.cleaned_data["email"], role=form.cleaned_data["role"], invited_by=request.user,
                    organisation=organisation, accept_url=url,
                )  # fmt: skip
            except MailError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
            return redirect("organisation", pk=pk)
    return render(
        request,
        "www/needs/organisation.html",
        {
            "organisation": organisation,
            "members": organisation.members.select_related("user"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "form": form,
            "admin": admin,
            "log": AccessLog.objects.filter(organisation=organisation)[:200]
            if operms.can_read_audit_log(request.user, organisation)
            else [],
            "responses": Response.objects.filter(organisation=organisation).select_related("campaign"),
            "nav": NAV,
        },
    )


@login
def organisation_export(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not operms.can_export_or_erase(request.user, organisation):
        raise PermissionDenied("Réservé aux administrateurs de l'organisation")
    body = json.dumps(oservices.organisation_export(organisation), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gtec-organisation-{pk}.json"'
    return response


@login
@require_POST
def organisation_erase(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    if not operms.can_export_or_erase(request.user, organisation):
        raise PermissionDenied("Réservé aux administrateurs de l'organisation")
    if request.POST.get("confirm") != organisation.name:
        messages.error(request, "Recopiez exactement le nom de l'organisation pour confirmer l'effacement.")
        return redirect("organisation", pk=pk)
    try:
        oservices.organisation_erase(organisation)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("organisation", pk=pk)
    messages.success(
        request, "Organisation effacée ; ses réponses restent, anonymes, dans les résultats agrégés."
    )
    return redirect("needs_home")
