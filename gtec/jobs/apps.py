from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "gtec.jobs"
    verbose_name = "Traitements en arrière-plan"
