"""GTEC's open API (`/api/v1/`, django-ninja, OpenAPI 3.1), its tokens and the embeddable widgets.

A top layer like gtec/www: it reads every app through its read module (so statistical secrecy is inherited
from the same read side as the pages) and writes through the apps' services."""
