"""URLs of the API area: /api/v1/ (JSON, OpenAPI 3.1, documentation), the widgets, and the organisation's
pages that manage tokens and compose widgets."""

from django.http import JsonResponse
from django.urls import path, re_path

from gtec.api import pages, widgets
from gtec.api.v1.api import api


def api_not_found(request, rest=""):
    return JsonResponse(
        {"code": "introuvable", "message": "Ressource inconnue : voir /api/v1/documentation."},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", api_not_found),
    path("widgets/gtec-widget.js", widgets.loader_script, name="widget_loader"),
    path("widgets/cadre.js", widgets.frame_script, name="widget_frame_script"),
    path("widgets/<str:kind>/", widgets.widget, name="widget"),
    path("besoins/organisations/<int:pk>/api/", pages.tokens, name="organisation_tokens"),
    path("besoins/organisations/<int:pk>/widgets/", pages.widget_builder, name="organisation_widgets"),
]
