"""URLs of the careers area (views in gtec/www/careers/views.py)."""

from django.urls import path

from gtec.www.careers import views

urlpatterns = [
    path("parcours/", views.start, name="careers_start"),
    path("parcours/competences/", views.review, name="careers_review"),
    path("parcours/resultats/", views.results, name="careers_results"),
    path("parcours/enregistrer/", views.save, name="careers_save"),
    path("parcours/s/<str:token>/", views.saved, name="careers_saved"),
    path("parcours/s/<str:token>/supprimer/", views.delete, name="careers_delete"),
    path("parcours/conseil/", views.start, {"counsellor": True}, name="careers_counsellor"),
    path(
        "parcours/conseil/resultats/", views.results, {"counsellor": True}, name="careers_counsellor_results"
    ),
    path("parcours/conseil/fiche/", views.counsellor_sheet, name="careers_counsellor_sheet"),
    path("api/competences", views.competences_api, name="api_competences"),
]
