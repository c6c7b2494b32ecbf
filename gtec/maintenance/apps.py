from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "gtec.maintenance"
    verbose_name = "Exploitation (sauvegardes)"
