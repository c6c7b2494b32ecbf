"""Template helpers available in every page (declared as builtins in the settings): the « ? » link from an
indicator or a term to its one definition, French elision and French dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.urls import reverse
from django.utils.html import format_html

from gtec_core import french
from gtec_core.glossary import BY_SLUG
from gtec_core.indicators.registry import REGISTRY

register = template.Library()


@register.simple_tag
def definition(name: str) -> str:
    """A small « ? » link to the glossary entry of an indicator (registry name) or a term (glossary slug)."""
    if name in REGISTRY:
        label = REGISTRY[name].label
    elif name in BY_SLUG:
        label = BY_SLUG[name].label
    else:
        return ""
    return format_html(
        '<a class="def" href="{}#{}" title="Définition : {}"><span aria-hidden="true">?</span>'
        '<span class="visually-hidden">Définition : {}</span></a>',
        reverse("glossary"),
        name,
        label,
        label,
    )


@register.filter
def de(name: str) -> str:
    """{{ name|de }} → « d'Auray », « de Vannes », « du Havre »."""
    return french.de(str(name))


@register.filter
def date_fr(value, style: str = "long") -> str:
    """{{ d|date_fr }} → « 1er novembre 2026 » ; {{ d|date_fr:"court" }} → « 01/11/2026 »."""
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    return french.short_date(value) if style == "court" else french.long_date(value)
