"""A training body edits or adds its own offer: the permission predicate (matrix), the form flow, CSRF,
versions and optimistic locking, and the rule that a later LHEO import leaves a manual edit alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client

from gtec.organisations.models import ADMIN, CONTRIBUTOR, COORDINATOR, READER, Member, Organisation
from gtec.territories.models import Territory
from gtec.training import editing, perms
from gtec.training import models as m

pytestmark = pytest.mark.django_db

SIRET_OF = "99900000000011"
LHEO = """<?xml version="1.0" encoding="UTF-8"?>
<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>
<formation numero="F-1"><domaine-formation><code-ROME>J1501</code-ROME></domaine-formation>
<intitule-formation>{title}</intitule-formation><objectif-formation>Soigner</objectif-formation>
<resultats-attendus>-</resultats-attendus><contenu-formation>-</contenu-formation><certifiante>0</certifiante>
<contact-formation><coordonnees><telfixe><numtel>0</numtel></telfixe></coordonnees></contact-formation>
<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>0</code-niveau-entree>
<action numero="A-1"><rythme-formation>temps plein</rythme-formation><code-public-vise>0</code-public-vise>
<niveau-entree-obligatoire>0</niveau-entree-obligatoire><modalites-alternance>-</modalites-alternance>
<modalites-enseignement>0</modalites-enseignement><conditions-specifiques>-</conditions-specifiques>
<prise-en-charge-frais-possible>0</prise-en-charge-frais-possible>
<lieu-de-formation><coordonnees><adresse><ligne>1 rue</ligne><codepostal>56000</codepostal><ville>Vannes</ville>
<code-INSEE-commune>56260</code-INSEE-commune></adresse></coordonnees></lieu-de-formation>
<modalites-entrees-sorties>0</modalites-entrees-sorties>
<session numero="S-1"><periode><debut>20260901</debut><fin>20270601</fin></periode>
<adresse-inscription><adresse><ligne>1 rue</ligne><codepostal>56000</codepostal><ville>Vannes</ville></adresse>
</adresse-inscription></session>
<organisme-financeur><code-financeur>2</code-financeur></organisme-financeur></action>
<organisme-formation-responsable numero="O-1"><numero-activite>1</numero-activite>
<SIRET-organisme-formation><SIRET>{siret}</SIRET></SIRET-organisme-formation>
<nom-organisme>Institut test</nom-organisme><raison-sociale>Institut test</raison-sociale>
<coordonnees-organisme><coordonnees><adresse><ligne>1 rue</ligne><codepostal>56000</codepostal>
<ville>Vannes</ville></adresse></coordonnees></coordonnees-organisme>
<contact-organisme><coordonnees><telfixe><numtel>0</numtel></telfixe></coordonnees></contact-organisme>
</organisme-formation-responsable></formation></offres></lheo>"""


def write_lheo(path, title="Aide-soignant", siret=SIRET_OF):
    path.write_text(LHEO.format(title=title, siret=siret), encoding="utf-8")
    return path


def user(email: str, organisation=None, role=None, territory=None):
    u = get_user_model().objects.create_user(email, email, "mot-de-passe-test")
    if role:
        Member.objects.create(user=u, organisation=organisation, role=role, territory=territory)
    return u


@pytest.fixture
def offer(tmp_path):
    call_command(
        "import_lheo", str(write_lheo(tmp_path / "a.xml")), "--flux", "t", stdout=open("/dev/null", "w")
    )
    return m.Formation.objects.get(flux="t", numero="F-1")


@pytest.fixture
def people(offer):
    vannes = Territory.objects.get(scale="commune", code="56260")
    owner = Organisation.objects.create(name="Institut test", kind="organisme_formation", siret=SIRET_OF)
    other = Organisation.objects.create(name="Autre OF", kind="organisme_formation", siret="99900000000029")
    return {
        "anonyme": AnonymousUser(),
        "admin": user("admin@of.test", owner, ADMIN),
        "contributeur": user("contrib@of.test", owner, CONTRIBUTOR),
        "lecteur": user("lecteur@of.test", owner, READER),
        "coordinateur": user("coord@terr.test", None, COORDINATOR, vannes),
        "admin d'un autre OF": user("admin@autre.test", other, ADMIN),
        "sans rôle": user("rien@x.test"),
    }


MATRIX = {
    "anonyme": False,
    "admin": True,
    "contributeur": True,
    "lecteur": False,
    "coordinateur": False,
    "admin d'un autre OF": False,
    "sans rôle": False,
}


def test_permission_matrix_by_siret(offer, people):
    got = {who: perms.can_edit_formation(u, offer) for who, u in people.items()}
    assert got == MATRIX
    assert perms.owner(offer.organisme).siret == SIRET_OF
    assert list(perms.editable_organismes(people["contributeur"])) == [offer.organisme]
    assert not perms.editable_organismes(people["coordinateur"]).exists()


def test_explicit_link_wins_over_siret(offer, people):
    other = Organisation.objects.get(name="Autre OF")
    offer.organisme.organisation = other
    offer.organisme.save()
    assert perms.can_edit_formation(people["admin d'un autre OF"], offer)
    assert not perms.can_edit_formation(people["admin"], offer)


def test_edit_flow_versions_and_conflict(offer, people):
    c = Client()
    url = f"/formations/{offer.pk}/modifier/"
    assert c.get(url).status_code == 302  # to the login page
    c.force_login(people["coordinateur"])
    assert c.get(url).status_code == 403
    assert c.post(url, {"intitule": "pirate", "version": 1}).status_code == 403
    c.force_login(people["contributeur"])
    page = c.get(url)
    assert page.status_code == 200 and 'name="version" value="1"' in page.content.decode()
    data = {
        "intitule": "Aide-soignant <script>alert(1)</script>",
        "objectif": "Soigner",
        "romes": "J1501 k1302",
        "certifications": "rncp35830",
        "commune": "56260",
        "debut": "2027-01-04",
        "fin": "2027-06-30",
        "nb_places": "14",
        "version": "1",
    }
    assert c.post(url, data).status_code == 302
    offer.refresh_from_db()
    assert offer.origine == "manuel" and offer.version == 2 and offer.romes == ["J1501", "K1302"]
    assert offer.certifications == ["RNCP35830"]
    assert offer.versions.get().data["intitule"] == "Aide-soignant"  # the LHEO state is kept
    assert set(m.ActionFiche.objects.filter(action__formation=offer).values_list("fiche_id", flat=True)) == {
        "J1501",
        "K1302",
    }
    assert m.Session.objects.filter(action__formation=offer, debut=dt.date(2027, 1, 4), nb_places=14).exists()
    html = c.get(f"/formations/{offer.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    # a second form opened on version 1 is refused, not silently applied
    stale = c.post(url, {**data, "intitule": "Vieux formulaire", "debut": "", "fin": ""})
    assert stale.status_code == 200 and "modifiée entre-temps" in stale.content.decode()
    offer.refresh_from_db()
    assert offer.intitule.startswith("Aide-soignant") and offer.version == 2
    bad = c.post(url, {**data, "romes": "Z9999 X12", "version": "2"})
    assert bad.status_code == 200 and "Métier non reconnu : « Z9999 X12 »" in bad.content.decode()


def test_csrf_is_enforced(offer, people):
    c = Client(enforce_csrf_checks=True)
    c.force_login(people["admin"])
    url = f"/formations/{offer.pk}/modifier/"
    assert c.post(url, {"intitule": "x", "version": "1"}).status_code == 403
    offer.refresh_from_db()
    assert offer.intitule == "Aide-soignant" and offer.version == 1
    page = c.get(url)
    token = page.cookies["csrftoken"].value
    ok = c.post(url, {"intitule": "Avec jeton", "version": "1", "csrfmiddlewaretoken": token})
    assert ok.status_code == 302


def test_reimport_keeps_a_manual_edit_and_says_so(tmp_path, offer, people):
    editing.update_formation(
        offer.pk, editing.OfferInput(intitule="Titre saisi"), people["admin"], based_on=1
    )
    result = __import__("gtec.training.lheo_import", fromlist=["lheo_import"]).lheo_import(
        write_lheo(tmp_path / "b.xml", title="Titre du flux"), flux="t"
    )
    offer.refresh_from_db()
    assert offer.intitule == "Titre saisi" and result.kept_manual == ["F-1"]
    assert result.summary()["kept_manual_count"] == 1
    # an export that no longer holds it does not delete it either
    empty = tmp_path / "c.xml"
    empty.write_text('<?xml version="1.0"?><lheo xmlns="http://lheo.gouv.fr/2.3"><offres/></lheo>')
    __import__("gtec.training.lheo_import", fromlist=["lheo_import"]).lheo_import(empty, flux="t")
    assert m.Formation.objects.filter(pk=offer.pk).exists()


def test_new_offer_for_own_organisation_only(people):
    c = Client()
    c.force_login(people["coordinateur"])
    assert c.get("/formations/nouvelle/").status_code == 403
    c.force_login(people["contributeur"])
    page = c.get("/formations/nouvelle/")
    assert page.status_code == 200 and "Institut test" in page.content.decode()
    assert "Autre OF" not in page.content.decode()
    other = Organisation.objects.get(name="Autre OF")
    forged = c.post(
        "/formations/nouvelle/",
        {"organisation": other.pk, "intitule": "x", "commune": "56260", "debut": "2027-01-04"},
    )
    assert forged.status_code == 200 and not m.Formation.objects.filter(intitule="x").exists()
    own = Organisation.objects.get(name="Institut test")
    done = c.post(
        "/formations/nouvelle/",
        {
            "organisation": own.pk,
            "intitule": "Agent de propreté",
            "commune": "56260",
            "debut": "2027-02-01",
            "nb_places": "8",
        },
    )
    assert done.status_code == 302
    f = m.Formation.objects.get(intitule="Agent de propreté")
    assert (f.flux, f.origine, f.organisme.siret) == ("manuel", "manuel", SIRET_OF)
    assert f.actions.get().sessions.get().nb_places == 8
    assert perms.can_edit_formation(people["contributeur"], f)


def test_only_a_training_body_may_add_an_offer():
    """A restaurant's administrator or a company contributor does not see the « add a training » form."""
    restaurant = Organisation.objects.create(name="Crêperie du port", kind="entreprise", naf="56.10A")
    body = Organisation.objects.create(name="Institut de soins", kind="organisme_formation")
    chef = user("chef@example.org", restaurant, ADMIN)
    trainer = user("formatrice@example.org", body, CONTRIBUTOR)
    assert not perms.editor_organisations(chef).exists()
    assert list(perms.editor_organisations(trainer)) == [body]
    client = Client()
    client.force_login(chef)
    assert client.get("/formations/nouvelle/").status_code == 403
    client.force_login(trainer)
    assert client.get("/formations/nouvelle/").status_code == 200
