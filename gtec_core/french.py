"""Small French-language helpers used from end to end: numbers, elision after « de », collation order of names
and dates as a French reader writes them. Pure Python, no locale needed (the server's locale is not trusted).

`format_fr` is the one French number formatter of GTEC (pages, template filters, exports, PDF, charts, command
output): a narrow no-break space between thousands and a decimal comma; `percent_fr` adds « % »; `figure_fr`
shows a secret cell as its symbol; `parse_fr` reads such a text back."""

from __future__ import annotations

import datetime as dt
import unicodedata

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
THOUSANDS = "\u202f"  # narrow no-break space: « 10 418 » never breaks across lines
_VOWELS = set("aeiouyh")
# Words whose initial h is aspirated (no elision): the common ones in French place names.
_ASPIRATED = ("hague", "haute", "haut", "hénin", "havre", "houlme", "hamel", "halle", "hangar")


def _bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


# Names of an area (not a commune) that start with a common noun take its article: « du Pays de Vannes »,
# « de la Communauté de communes… », « des Îles du Ponant ». Only a first word followed by a space counts.
_MASCULINE = {
    "pays", "bassin", "golfe", "departement", "canton", "secteur", "territoire", "syndicat", "pole", "parc",
    "grand", "centre", "val", "littoral", "plateau", "massif", "coeur", "petr", "arrondissement", "bocage",
    "marais", "sud", "nord", "haut", "bas", "est", "ouest", "reseau", "district", "perche",
}  # fmt: skip
_FEMININE = {
    "communaute", "zone", "region", "metropole", "agglomeration", "vallee", "cote", "presqu'ile", "baie",
    "ria", "ile", "terre", "cc", "ca", "cu", "ville", "plaine", "montagne", "foret", "haute", "basse",
    "collectivite", "intercommunalite", "aire", "unite",
}  # fmt: skip
_PLURAL = {"iles", "monts", "landes", "vallees", "portes", "cotes", "terres", "marches", "hautes", "hauts"}
# Départements and régions, by the article the COG gives them (column TNCC of departements.csv and
# regions.csv: 2 « le », 3 « la », 4 « les », 5 « l' »); a name not listed takes none (Bretagne, Paris).
_COG_ARTICLE = {
    "du": (
        "Calvados Cantal Cher Doubs Finistère Gard Gers Jura Loir-et-Cher Loiret Lot Lot-et-Garonne Morbihan "
        "Nord Pas-de-Calais Puy-de-Dôme Bas-Rhin Haut-Rhin Rhône Tarn Tarn-et-Garonne Var Vaucluse "
        "Val-de-Marne Val-d'Oise|Territoire de Belfort|Centre-Val de Loire|Grand Est"
    ),
    "de la": (
        "Charente Charente-Maritime Corrèze Côte-d'Or Creuse Dordogne Drôme Corse-du-Sud Haute-Corse "
        "Haute-Garonne Gironde Loire Haute-Loire Loire-Atlantique Lozère Manche Marne Haute-Marne Mayenne "
        "Meuse Moselle Nièvre Haute-Saône Sarthe Savoie Haute-Savoie Seine-Maritime Somme Vendée Vienne "
        "Haute-Vienne Seine-Saint-Denis Guadeloupe Martinique Guyane Nouvelle-Aquitaine"
    ),
    "des": (
        "Alpes-de-Haute-Provence Hautes-Alpes Alpes-Maritimes Ardennes Bouches-du-Rhône Côtes-d'Armor Landes "
        "Pyrénées-Atlantiques Hautes-Pyrénées Pyrénées-Orientales Yvelines Deux-Sèvres Vosges Hauts-de-Seine "
        "Hauts-de-France|Pays de la Loire"
    ),
    "de l'": "Ain Aisne Allier Ardèche Ariège Aube Aude Aveyron Eure Hérault Indre Isère Oise Orne Yonne Essonne",
}


def _cog_names(text: str) -> list[str]:
    words, multi = (text.split("|") + [""])[0], text.split("|")[1:]
    return [w for w in words.split(" ") if w] + multi


_COG = {
    _bare(name).casefold(): article for article, text in _COG_ARTICLE.items() for name in _cog_names(text)
}


def _elide(article: str, name: str) -> str:
    """« de la » / « du » before a vowel or a mute h: « de l'Agglomération », « de l'Est »."""
    first = _bare(name.casefold())[:1]
    if article in ("de la", "du") and first in _VOWELS and first != "h":
        return f"de l'{name}"
    return f"{article} {name}"


def de(name: str, *, area: bool = False) -> str:
    """« de » before a name, with elision and contraction: d'Auray, de Vannes, du Havre, des Sables-d'Olonne.
    With `area=True` (any territory but a commune, including the ones users create) a leading common noun
    or the COG article of a département or région is taken into account: « du Pays de Vannes », « de la
    Communauté de communes… », « des Îles du Ponant », « du Morbihan », « de l'Ain », « de Bretagne »."""
    if not name:
        return "de"
    lower = name.casefold()
    for article, joined in (("le ", "du "), ("les ", "des ")):
        if lower.startswith(article):
            return joined + name[len(article) :]
    if area:
        bare = _bare(lower).replace("’", "'")
        if bare in _COG:
            article = _COG[bare]
            return f"de l'{name}" if article == "de l'" else f"{article} {name}"
        head = bare.split(" ", 1)[0] if " " in bare else ""
        if head in _PLURAL:
            return f"des {name}"
        if head in _FEMININE:
            return _elide("de la", name)
        if head in _MASCULINE:
            return _elide("du", name)
    first = _bare(lower)[0]
    if first in _VOWELS and not (first == "h" and _bare(lower).startswith(_ASPIRATED)):
        return f"d'{name}"
    return f"de {name}"


def collation_key(text: str) -> tuple[str, str]:
    """Sort key following French dictionary order: accents and case do not move a name (Île among the I,
    Péaule before Pluherlin); ties are broken by the exact text so the order is stable."""
    base = _bare(text).casefold().replace("œ", "oe").replace("æ", "ae")
    base = "".join(c if c.isalnum() else " " for c in base)
    return (" ".join(base.split()), text)


def sort_french(items, key=lambda item: item):
    return sorted(items, key=lambda item: collation_key(key(item)))


def long_date(value: dt.date) -> str:
    """« 1er novembre 2026 », « 21 mars 2026 »."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def short_date(value: dt.date) -> str:
    """« 01/11/2026 »."""
    return value.strftime("%d/%m/%Y")


def format_fr(number: float | int | None, decimals: int = 0) -> str:
    """« 10 418 », « 0,25 », « 1 234,5 » (narrow no-break space between thousands, decimal comma); empty for a
    missing value; never « -0 »."""
    if number is None:
        return ""
    text = f"{number:,.{decimals}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")
    return text.replace(",", THOUSANDS).replace(".", ",")


def percent_fr(number: float | None, decimals: int = 0, *, share: bool = False) -> str:
    """« 12,5 % » of a value already in percent, or of a share in [0, 1] with `share=True`; empty if missing."""
    if number is None:
        return ""
    return f"{format_fr(100 * number if share else number, decimals)} %"


def figure_fr(number: float | None, decimals: int = 0, *, secret: bool = False, symbol: str = "s") -> str:
    """A published cell as text: the secrecy symbol (« s ») for a secret cell, else `format_fr`."""
    return symbol if secret else format_fr(number, decimals)


def plural(count: float, singular: str, plural: str = "") -> str:
    """The French form for a count: the singular for 0 and 1 (« 0 organisation créée », « 1,5 heure »),
    the plural (`singular` + « s » unless given) from 2 on."""
    return singular if abs(count) < 2 else (plural or singular + "s")


def count_fr(count: float, singular: str, plural_form: str = "") -> str:
    """« 3 organisations créées », « 1 réponse importée », « 0 erreur » — never « (s) »."""
    return f"{format_fr(count)} {plural(count, singular, plural_form)}"


NBSP = "\u00a0"
_TIGHT = (("« ", "«" + THOUSANDS), (" »", THOUSANDS + "»"), (" ;", THOUSANDS + ";"), (" :", NBSP + ":"),
          (" ?", THOUSANDS + "?"), (" !", THOUSANDS + "!"))  # fmt: skip


def typo(text: str) -> str:
    """French spacing that never breaks: no line starts with « » », « : » or « ; » and none ends with « « »
    (the space before them becomes a no-break space)."""
    for plain, tight in _TIGHT:
        text = text.replace(plain, tight)
    return text


def parse_fr(text: str) -> float:
    """The number of a text written by `format_fr` or `percent_fr` (« 1 234,5 », « 12 % »), or a plain one."""
    cleaned = "".join(c for c in str(text) if c not in {THOUSANDS, "\xa0", " ", "%"})
    return float(cleaned.replace(",", "."))
