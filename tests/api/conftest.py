"""Builders for the API tests: organisations with tokens of given scopes, and a Bearer header."""

from __future__ import annotations

import pytest

from gtec.api import services
from tests.surveys import helpers as h


@pytest.fixture
def org(db):
    return h.company("Organisme API")


@pytest.fixture
def make_token(org):
    def make(*scopes, organisation=None, origins=()):
        return services.token_create(
            organisation=organisation or org, name="test", scopes=scopes, origins=origins
        ).raw

    return make


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture(autouse=True)
def _generous_rate_limit(monkeypatch):
    """The tests make many anonymous calls; the rate-limit test lowers the limit itself."""
    from gtec.api.v1.api import api

    monkeypatch.setattr(api.throttle[0], "num_requests", 10**6)
