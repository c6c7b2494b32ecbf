"""URLs of the needs area (companies' needs surveys) and of the accounts (`comptes/`)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from gtec.www.needs import sheets, views

urlpatterns = [
    path("comptes/connexion/", views.LoginView.as_view(), name="login"),
    path("comptes/deconnexion/", auth_views.LogoutView.as_view(next_page="home"), name="logout"),
    path("comptes/mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "comptes/mot-de-passe/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "comptes/mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "comptes/mot-de-passe/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("comptes/invitation/<str:token>/", views.invitation, name="invitation"),
    path("besoins/", views.needs_home, name="needs_home"),
    path("besoins/campagnes/nouvelle/", views.campaign_new, name="campaign_new"),
    path("besoins/campagnes/<int:pk>/", views.campaign_results, name="campaign_results"),
    path("besoins/campagnes/<int:pk>/suivi/", views.campaign_manage, name="campaign_manage"),
    path("besoins/campagnes/<int:pk>/action/", views.campaign_action, name="campaign_action"),
    path("besoins/campagnes/<int:pk>/import/", views.campaign_import, name="campaign_import"),
    path("besoins/campagnes/<int:pk>/modele.xlsx", views.workbook_template, name="workbook_template"),
    path("besoins/campagnes/<int:pk>/resultats.<str:fmt>", sheets.campaign_export, name="campaign_export"),
    path(
        "besoins/campagnes/<int:pk>/organisations/ajouter/", sheets.organisation_add, name="organisation_add"
    ),
    path(
        "besoins/campagnes/<int:pk>/organisations/liste/",
        sheets.organisation_roster,
        name="organisation_roster",
    ),
    path(
        "besoins/campagnes/<int:pk>/questionnaire/<int:org>/classeur/",
        sheets.questionnaire_workbook,
        name="questionnaire_workbook",
    ),
    path("besoins/campagnes/<int:pk>/questionnaire/<int:org>/", views.questionnaire, name="questionnaire"),
    path(
        "besoins/campagnes/<int:pk>/questionnaire/<int:org>/brouillon/",
        views.questionnaire_autosave,
        name="questionnaire_autosave",
    ),
    path("besoins/campagnes/<int:pk>/retour/<int:org>/", views.give_to_get, name="give_to_get"),
    path("besoins/reponses/<int:pk>/", views.response_raw, name="response_raw"),
    path("besoins/organisations/<int:pk>/", views.organisation_page, name="organisation"),
    path("besoins/organisations/<int:pk>/export.json", views.organisation_export, name="organisation_export"),
    path("besoins/organisations/<int:pk>/effacer/", views.organisation_erase, name="organisation_erase"),
    path("besoins/api/fiches/<str:code_rome>/competences", views.fiche_items_api, name="api_fiche_items"),
    path("besoins/api/suggestions", views.skill_suggestions_api, name="api_skill_suggestions"),
]
