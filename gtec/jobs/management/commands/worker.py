"""`gtec worker [--burst]` — run the background jobs of the RQ queue GTEC_JOBS_QUEUE on REDIS_URL."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Exécute les traitements en arrière-plan (file RQ sur Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="s'arrêter quand la file est vide")

    def handle(self, *args, burst: bool, **options):
        from redis import Redis
        from redis.exceptions import ConnectionError as RedisConnectionError
        from rq import Worker

        from gtec.jobs.services import queue

        if not settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL n'est pas défini : sans Redis, les traitements s'exécutent sur place."
            )
        try:
            Redis.from_url(settings.REDIS_URL).ping()
        except RedisConnectionError:
            raise CommandError(f"Redis injoignable à {settings.REDIS_URL}") from None
        connections.close_all()  # each job runs in a forked process: no connection is shared with it
        q = queue()
        self.stdout.write(f"File « {q.name} » sur {settings.REDIS_URL}")
        Worker([q], connection=q.connection).work(burst=burst, with_scheduler=False)
