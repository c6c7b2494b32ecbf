from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "gtec.training"
    verbose_name = "Offre de formation"
