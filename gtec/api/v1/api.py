"""The /api/v1 instance. Adding a resource is two lines: write a module with a `router` (see
territoires.py: schemas, `Page(...)`/`paginate`, `public` or `Bearer(scope)`, `audited` for writes) and add
it to ROUTERS."""

from __future__ import annotations

from csp.decorators import csp_update
from ninja import NinjaAPI, Swagger

from gtec.api.v1 import (
    enquetes,
    errors,
    formations,
    indicateurs,
    organisation,
    parcours,
    plan_writes,
    projections,
    referentiels,
    territoires,
)
from gtec.api.v1.core import AnonymousThrottle

ROUTERS = [
    ("/territoires", territoires.router),
    ("/referentiels", referentiels.router),
    ("/indicateurs", indicateurs.router),
    ("/formations", formations.router),
    ("/parcours", parcours.router),
    ("/enquetes", enquetes.router),
    ("/projections", projections.router),
    ("/tests-de-resistance", projections.stress_router),
    ("/plan-d-action", plan_writes.router),  # the read routes of plan.py and the writes
    ("/organisation", organisation.router),
]

DESCRIPTION = """
API ouverte de GTEC : les chiffres publics du territoire (indicateurs, offre de formation, référentiels,
parcours, résultats d'enquêtes, projections « Les métiers en 2030 », tests de résistance, plan d'action) et
l'écriture des données propres à une organisation.

**Accès.** La lecture des chiffres publics est ouverte sans jeton, avec un nombre limité de requêtes par
minute. Un jeton d'organisation (`Authorization: Bearer gtec_…`), créé par un administrateur de
l'organisation sur sa page « Accès à l'API », lève cette limite ; ses portées disent ce qu'il permet :
`read` (lecture), `contribute` (écriture des réponses d'enquête, de l'offre de formation, des actions et
des retours d'expérience de l'organisation), `admin` (journal des écritures), `widget` (widgets intégrés dans un site partenaire).
Toute écriture est journalisée.

**Conventions.** Ressources en français ; filtres en paramètres de requête ; pagination `page` / `size`
(100 au plus) et réponse `{items, total, page, size, pages}` ; dates ISO (AAAA-MM-JJ) ; identifiants
stables : territoires `ÉCHELLE:CODE` (`epci:200067932`, `commune:56260`), codes ROME (`J1501`), codes OGR
des appellations et compétences.

**Secret statistique.** Chaque chiffre passe par le même mécanisme que les pages et les exports : une
valeur non diffusable n'est jamais transmise, seul le symbole `s` l'est, sans effectifs.

**Erreurs.** Toujours en JSON `{code, message}`, message en français : 401 (jeton absent ou invalide),
403 (portée ou organisation), 404, 409 (version périmée : relisez puis renvoyez), 422 (entrée invalide),
429 (trop de requêtes anonymes).
"""


class Documentation(Swagger):
    """Swagger UI (served from django-ninja's own static files) in a French page."""

    template = "api/documentation.html"

    def render_page(self, request, api, **kwargs):
        # Swagger UI sets inline styles as it draws: this page alone allows them (scripts stay 'self' only).
        return csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(super().render_page)(
            request, api, **kwargs
        )


def build() -> NinjaAPI:
    api = NinjaAPI(
        title="API GTEC",
        version="1.0.0",
        description=DESCRIPTION,
        urls_namespace="api-v1",
        docs=Documentation(settings={"docExpansion": "none", "defaultModelsExpandDepth": 0}),
        docs_url="/documentation",
        openapi_url="/openapi.json",
        throttle=[AnonymousThrottle()],
    )
    errors.install(api)
    for prefix, router in ROUTERS:
        api.add_router(prefix, router)
    return api


api = build()
