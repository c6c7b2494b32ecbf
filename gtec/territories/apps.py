from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "gtec.territories"
    verbose_name = "Territoires"
