"""URLs of the action plan and the retex journal (views in gtec/www/actions/views.py)."""

from django.urls import path, re_path

from gtec.www.actions import views

urlpatterns = [
    path("territoires/<str:key>/plan-d-action/", views.plan, name="action_plan"),
    path("territoires/<str:key>/plan-d-action/nouvelle/", views.action_new, name="action_new"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("actions/<int:pk>/etat/", views.action_status, name="action_status"),
    path("actions/<int:pk>/contribution/", views.action_contribute, name="action_contribute"),
    path("actions/<int:pk>/retex/", views.action_retex, name="action_retex"),
    path("territoires/<str:key>/retex/", views.retex, name="retex"),
    re_path(
        r"^territoires/(?P<key>[^/]+)/retex\.(?P<fmt>csv|xlsx)$", views.retex_export, name="retex_export"
    ),
]
