from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "gtec.diagnostics"
    verbose_name = "Diagnostics territoriaux"
