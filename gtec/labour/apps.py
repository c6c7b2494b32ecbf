from django.apps import AppConfig


class LabourConfig(AppConfig):
    name = "gtec.labour"
    verbose_name = "Marché du travail"
