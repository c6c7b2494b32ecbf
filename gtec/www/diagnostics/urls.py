"""URLs of the diagnostic (views in gtec/www/diagnostics/views.py)."""

from django.urls import path, re_path

from gtec.www.diagnostics import views

urlpatterns = [
    path("territoires/<str:key>/diagnostic/", views.diagnostic, name="diagnostic"),
    path("territoires/<str:key>/diagnostic/contenu/", views.diagnostic_content, name="diagnostic_content"),
    re_path(
        r"^territoires/(?P<key>[^/]+)/diagnostic\.(?P<fmt>pdf|html)$",
        views.diagnostic_file,
        name="diagnostic_file",
    ),
    path("territoires/<str:key>/diagnostic/preparer/", views.report_prepare, name="diagnostic_prepare"),
    path("territoires/<str:key>/diagnostic/geler/", views.snapshot_new, name="snapshot_new"),
    path("diagnostics/instantanes/<int:pk>/", views.snapshot, name="snapshot"),
    re_path(
        r"^diagnostics/instantanes/(?P<pk>\d+)/document\.(?P<fmt>pdf|html)$",
        views.snapshot_document,
        name="snapshot_document",
    ),
    path("diagnostics/instantanes/<int:pk>/comparer/", views.snapshot_compare, name="snapshot_compare"),
]
