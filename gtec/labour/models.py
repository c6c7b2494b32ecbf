"""Persistence of the labour area."""

from django.db import models  # noqa: F401
