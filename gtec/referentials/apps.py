from django.apps import AppConfig


class ReferentialsConfig(AppConfig):
    name = "gtec.referentials"
    verbose_name = "Référentiels (ROME, FAP)"
