"""Test data builders shared by the test files (factory_boy)."""

from __future__ import annotations

import factory

from gtec.labour import models as m


class ObservationFactory(factory.django.DjangoModelFactory):
    """A stored indicator value: by default a published FAP-2021 cell of 2024. Pass `territory` and what the
    test is about (indicator, occupation, value, status, category, counts)."""

    class Meta:
        model = m.Observation

    indicator = "bmo_difficulty_rate"
    occupation_kind = "fap2021"
    occupation = "A0X40"
    period = "2024"
    value = 0.5
    status = "ok"
    category = None
    counts = factory.LazyFunction(dict)
    origin = "computed"
