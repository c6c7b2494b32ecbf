"""The campaign results page keeps its protected tables in the cache under the campaign's data version
(#14: the secondary suppression and its audit made it cost about a second per view): a second view reads the
cache, and a new answer or a new version of one is seen at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from gtec.surveys import queries, services
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db


def territory_total(results, rome: str) -> str:
    return next(r["total"] for r in results.needs["12m"] if r["code_rome"] == rome)


def test_second_view_is_served_from_the_cache(client, django_assert_max_num_queries):
    camp = h.campaign()
    for n in (4, 5, 6):
        h.submit(camp, h.company(), h.answer("J1501", hires=n))
    first = client.get(f"/besoins/campagnes/{camp.pk}/")
    assert first.status_code == 200
    assert cache.get(f"surveys:results:{camp.pk}:{queries.data_version(camp)}") is not None
    with django_assert_max_num_queries(3):  # the data version, nothing of the answers themselves
        again = queries.campaign_results(camp)
    assert territory_total(again, "J1501") == "15"
    assert client.get(f"/besoins/campagnes/{camp.pk}/").content == first.content


def test_a_new_answer_or_version_invalidates_the_cached_tables():
    camp = h.campaign()
    orgs = [h.company() for _ in range(3)]
    for org, n in zip(orgs, (4, 5, 6), strict=True):
        h.submit(camp, org, h.answer("J1501", hires=n))
    assert territory_total(queries.campaign_results(camp), "J1501") == "15"
    h.submit(camp, h.company(), h.answer("J1501", hires=7))  # a new answer
    after = queries.campaign_results(camp)
    assert (after.respondents, territory_total(after, "J1501")) == (4, "22")
    services.response_save(  # a new version of an answer already counted
        campaign=camp, organisation=orgs[0], data=h.answer("J1501", hires=10), user=None, submit=True
    )
    assert territory_total(queries.campaign_results(camp), "J1501") == "28"
