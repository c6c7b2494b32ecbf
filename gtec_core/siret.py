"""SIREN / SIRET keys, scalar version of the polars checks in `sources/sirene.py`.

A SIRET is the SIREN (9 digits) and the NIC (5 digits). INSEE computes its last digit so that the Luhn
sum of the 14 digits is a multiple of 10. Exception: La Poste (SIREN 356000000) has more establishments
than the Luhn key space allows; INSEE numbers them so that the plain sum of the 14 digits is a multiple of
5, and a La Poste SIRET is accepted when it passes either rule.
"""

from __future__ import annotations

LA_POSTE = "356000000"


def normalize(value: str) -> str:
    """Digits only: spaces, dots and no-break spaces typed by people are dropped."""
    return "".join(ch for ch in str(value or "") if not ch.isspace() and ch not in ".-")


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        d = int(char)
        if index % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siren_valid(value: str) -> bool:
    digits = normalize(value)
    return len(digits) == 9 and luhn_valid(digits)


def siret_valid(value: str) -> bool:
    """A 14-digit SIRET whose key is right (Luhn; La Poste: Luhn or digit sum multiple of 5)."""
    digits = normalize(value)
    if len(digits) != 14 or not digits.isdigit():
        return False
    if luhn_valid(digits):
        return True
    return digits.startswith(LA_POSTE) and sum(int(c) for c in digits) % 5 == 0


def siren_of(siret: str) -> str:
    return normalize(siret)[:9]


def make_siret(siren8: str, nic4: str) -> str:
    """A valid SIRET from 8 SIREN digits and 4 NIC digits: both Luhn keys are computed (for synthetic
    data and tests; real SIRETs come from SIRENE)."""
    siren = next(siren8 + k for k in "0123456789" if luhn_valid(siren8 + k))
    return next(siren + nic4 + k for k in "0123456789" if luhn_valid(siren + nic4 + k))
