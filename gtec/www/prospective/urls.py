"""URLs of the prospective area: projections and stress tests (views in views.py)."""

from django.urls import path, re_path

from gtec.www.prospective import views

urlpatterns = [
    path("territoires/<str:key>/prospective/", views.prospective, name="prospective"),
    re_path(
        r"^territoires/(?P<key>[^/]+)/prospective/export\.(?P<fmt>csv|xlsx)$",
        views.prospective_export,
        name="prospective_export",
    ),
    path("territoires/<str:key>/stress/", views.stress, name="stress"),
    path("territoires/<str:key>/stress/<str:token>/", views.stress_saved, name="stress_saved"),
    re_path(
        r"^territoires/(?P<key>[^/]+)/stress/(?P<token>[A-Za-z0-9_-]+)/export\.(?P<fmt>csv|xlsx)$",
        views.stress_export,
        name="stress_export",
    ),
]
