"""WSGI entry point of the production server (gunicorn config.wsgi, see config/gunicorn.conf.py). Production
settings by default: `gtec serve`, `manage.py` and `make demo` keep the development settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
