"""URLs of the training area (views in gtec/www/training/views.py)."""

from django.urls import path

from gtec.www.training import views

urlpatterns = [
    path("formations/", views.catalogue, name="training_catalogue"),
    path("formations/<int:pk>/", views.formation, name="training_formation"),
]
