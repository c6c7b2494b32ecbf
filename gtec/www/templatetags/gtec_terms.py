"""Template helpers available in every page (declared as builtins in the settings): the « ? » link from an
indicator or a term to its one definition, French numbers (`gtec_core.french.format_fr`), French elision and
French dates."""

from __future__ import annotations

import datetime as dt

import nh3
from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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
def nombre(value, decimals: int = 0) -> str:
    """{{ n|nombre }} → « 10 418 » ; {{ x|nombre:1 }} → « 433,7 » (the one French number formatter)."""
    if value is None or value == "":
        return ""
    try:
        return french.format_fr(float(value), int(decimals))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def pluriel(count, forms: str = "") -> str:
    """{{ n|pluriel:"organisation créée,organisations créées" }} → the French form for n (singular for 0 and
    1); {{ n|pluriel }} → « s » or nothing; unlike Django's `pluralize`, 0 takes the singular."""
    try:
        n = float(count)
    except (TypeError, ValueError):
        n = len(count) if hasattr(count, "__len__") else 0
    singular, comma, plural_form = forms.partition(",")
    if not comma:  # {{ n|pluriel:"x" }}, as Django's pluralize: the plural suffix alone
        singular, plural_form = "", forms or "s"
    return french.plural(n, singular, plural_form)


@register.filter(is_safe=True)
def typo(text) -> str:
    """{{ help|typo }}: French spacing that never breaks before « », « : », « ; » (`french.typo`)."""
    return french.typo("" if text is None else str(text))


@register.filter
def de(name) -> str:
    """{{ name|de }} → « d'Auray », « de Vannes », « du Havre » ; {{ territory|de }} → « du Pays de Vannes »,
    « du Morbihan », « de la zone d'emploi d'Auray » (the territory's own rule, Territory.of_name)."""
    of_name = getattr(name, "of_name", None)
    return of_name if isinstance(of_name, str) else french.de(str(name))


@register.filter
def date_fr(value, style: str = "long") -> str:
    """{{ d|date_fr }} → « 1er novembre 2026 » ; {{ d|date_fr:"court" }} → « 01/11/2026 »."""
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)  # as Django's date filter: the site's time zone
    # a date is one unit on a line: « 5 décembre 2026 » never breaks after « 5 »
    return french.short_date(value) if style == "court" else french.long_date(value).replace(" ", "\u00a0")


RICH_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u"}


@register.filter
def rich(text) -> str:
    """LHEO rich text (objectives, contents) rendered, not shown as tags: a whitelist of paragraph and list
    tags kept by the nh3 sanitiser, everything else (scripts, styles, attributes, links) dropped; plain text
    keeps its line breaks."""
    text = "" if text is None else str(text)
    if "<" not in text:
        paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
        return format_html_join_paragraphs(paragraphs)
    return mark_safe(nh3.clean(text, tags=RICH_TAGS, attributes={}, link_rel=None))


def format_html_join_paragraphs(paragraphs: list[str]) -> str:
    return mark_safe("".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs))
