"""URLs of the labour area (views in gtec/www/labour/views.py)."""

from django.urls import path, re_path

from gtec.www.labour import views
from gtec.www.pagecache import shared_page_cache

urlpatterns = [
    path(
        "territoires/<str:key>/marche-du-travail/",
        shared_page_cache(views.dashboard),
        name="labour_dashboard",
    ),
    path(
        "territoires/<str:key>/metiers/<str:code_rome>/",
        shared_page_cache(views.occupation),
        name="labour_occupation",
    ),
    path("comparer/", views.compare, name="labour_compare"),
    path("api/indicateurs/<str:name>", shared_page_cache(views.indicator_api), name="api_indicator"),
    re_path(
        r"^territoires/(?P<key>[^/]+)/export/(?P<name>[a-z_]+)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="labour_export",
    ),
]
