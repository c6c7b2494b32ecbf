from django.urls import include, path

from gtec.www import health, public, views

urlpatterns = [
    path("", views.home, name="home"),
    path("territoires/", views.territory_search, name="territory_search"),
    path("territoires/<str:key>/", views.territory, name="territory"),
    path("metiers/", views.occupations, name="occupations"),
    path("metiers/domaine/<str:code>/", views.domaine, name="domaine"),
    path("metiers/<str:code_rome>/", views.fiche, name="fiche"),
    path("methodes/", public.glossary, name="glossary"),
    path("mentions-legales/", public.legal, name="legal"),
    path("accessibilite/", public.accessibility, name="accessibility"),
    path("donnees-personnelles/", public.privacy, name="privacy"),
    path("contact/", public.contact, name="contact"),
    path("robots.txt", public.robots, name="robots"),
    path("api/appellations", views.appellations_api, name="api_appellations"),
    path("api/communes", views.communes_api, name="api_communes"),
    path("sante/", health.health, name="health"),
    path("", include("gtec.www.jobs.urls")),
    path("", include("gtec.www.labour.urls")),
    path("", include("gtec.www.training.urls")),
    path("", include("gtec.www.careers.urls")),
    path("", include("gtec.www.needs.urls")),
    path("", include("gtec.www.diagnostics.urls")),
    path("", include("gtec.www.actions.urls")),
    path("", include("gtec.www.prospective.urls")),
]
