"""ASGI entry point (for an ASGI server such as uvicorn); production settings by default, like config/wsgi.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()
