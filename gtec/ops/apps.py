from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gtec.ops"
    verbose_name = "Orchestration (imports, démonstration, données)"
