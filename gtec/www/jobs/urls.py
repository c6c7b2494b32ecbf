"""URLs of the background jobs pages (views in gtec/www/jobs/views.py)."""

from django.urls import path

from gtec.www.jobs import views

urlpatterns = [
    path("traitements/", views.job_list, name="jobs"),
    path("traitements/<int:pk>/", views.job_detail, name="job"),
    path("traitements/<int:pk>/document/", views.job_file, name="job_file"),
    path("traitements/indicateurs/", views.indicators_start, name="jobs_indicators"),
]
