"""Persistence of the organisations area."""

from django.db import models  # noqa: F401
