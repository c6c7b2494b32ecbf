"""Persistence of the careers area."""

from django.db import models  # noqa: F401
