"""URLs of the training area (views in gtec/www/training/views.py)."""

from django.urls import path

from gtec.www.training import views

urlpatterns = [
    path("formations/", views.catalogue, name="training_catalogue"),
    path("formations/manquantes/", views.gaps, name="training_gaps"),
    path("formations/nouvelle/", views.offer_new, name="training_offer_new"),
    path("formations/import-lheo/", views.offer_import, name="training_offer_import"),
    path("formations/<int:pk>/", views.formation, name="training_formation"),
    path("formations/<int:pk>/modifier/", views.offer_edit, name="training_offer_edit"),
]
