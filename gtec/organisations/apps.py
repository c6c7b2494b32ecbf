from django.apps import AppConfig
from django.core import checks


class OrganisationsConfig(AppConfig):
    name = "gtec.organisations"
    verbose_name = "Organisations"

    def ready(self):
        checks.register(shared_cache_check, checks.Tags.security, deploy=True)


def shared_cache_check(app_configs=None, **kwargs):
    """The login throttle counts in the default cache: a per-process cache lets each worker count alone."""
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            checks.Warning(
                "Le cache par défaut est propre à chaque processus : la limitation des connexions n'est pas "
                "partagée entre les processus du serveur.",
                hint="Réglez un cache partagé (Redis) en production.",
                id="gtec.W001",
            )
        ]
    return []
