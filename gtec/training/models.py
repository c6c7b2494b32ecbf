"""Persistence of the training area."""

from django.db import models  # noqa: F401
