"""Persistence of the surveys area."""

from django.db import models  # noqa: F401
