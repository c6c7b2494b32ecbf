from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "gtec.imports"
    verbose_name = "Imports et provenance"
