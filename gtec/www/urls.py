from django.urls import include, path

from gtec.www import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("territoires/", views.territory_search, name="territory_search"),
    path("territoires/<str:key>/", views.territory, name="territory"),
    path("metiers/", views.occupations, name="occupations"),
    path("metiers/domaine/<str:code>/", views.domaine, name="domaine"),
    path("metiers/<str:code_rome>/", views.fiche, name="fiche"),
    path("api/appellations", views.appellations_api, name="api_appellations"),
    path("sante/", health.health, name="health"),
    path("", include("gtec.www.jobs.urls")),
    path("", include("gtec.www.labour.urls")),
    path("", include("gtec.www.training.urls")),
    path("", include("gtec.www.careers.urls")),
    path("", include("gtec.www.needs.urls")),
]
