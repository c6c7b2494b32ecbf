"""Accounts (security review 2026-12-04, §3-§4): login throttle on every login form, keyed on the identity
as Django normalises it and kept in the shared cache; limited reset mails; password validators;
invitations bound to their address; no half-written change when the mail server fails."""

from __future__ import annotations

import html

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import caches
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client
from django.urls import reverse

from gtec.organisations import services as oservices
from gtec.organisations.auth import MAX_PER_USERNAME, RESET_PER_EMAIL
from gtec.organisations.models import ADMIN, Invitation, Member
from gtec.surveys import services
from tests.surveys import helpers as h

pytestmark = pytest.mark.django_db
PASSWORD = "mot-de-passe-test"


def fail_logins(client, url, username, n=MAX_PER_USERNAME):
    for _ in range(n):
        client.post(url, {"username": username, "password": "faux"})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_fullwidth_username_does_not_bypass_the_lock():
    """Review §4: `ｌecteur@…` (full-width l) logged in while `lecteur@…` was locked."""
    h.user("lecteur@example.org")
    fail_logins(Client(), reverse("login"), "lecteur@example.org")
    for variant in (
        "ｌecteur@example.org",
        "lｅcteur@example.org",
        "LECTEUR@example.org",
        " lecteur@example.org ",
    ):
        c = Client()
        r = c.post(reverse("login"), {"username": variant, "password": PASSWORD})
        assert "Trop de tentatives" in r.content.decode() and not logged_in(c), variant


def test_admin_login_is_throttled_too():
    """Review §4: 30 wrong passwords on /admin/login/, then the right one, all accepted."""
    get_user_model().objects.create_superuser("staff@example.org", "staff@example.org", PASSWORD)
    c = Client()
    fail_logins(c, reverse("admin:login"), "staff@example.org")
    r = c.post(reverse("admin:login"), {"username": "staff@example.org", "password": PASSWORD})
    assert r.status_code == 200 and "Trop de tentatives" in r.content.decode() and not logged_in(c)
    # and a lock taken on the site's form holds on the admin's, and conversely
    get_user_model().objects.create_superuser("staff2@example.org", "staff2@example.org", PASSWORD)
    fail_logins(Client(), reverse("login"), "staff2@example.org")
    c = Client()
    c.post(reverse("admin:login"), {"username": "staff2@example.org", "password": PASSWORD})
    assert not logged_in(c)


def test_the_lock_lives_in_the_shared_cache(settings, tmp_path):
    """Review §4: with one counter per process, 4 workers gave 16 tries instead of 5. The counters are in
    Django's cache: a second cache client on the same store (another worker) sees the lock."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    h.user("shared@example.org")
    fail_logins(Client(), reverse("login"), "shared@example.org")
    other_worker = caches.create_connection("default")
    assert other_worker.get("gtec-login:u:shared@example.org") == MAX_PER_USERNAME
    c = Client()
    c.post(reverse("login"), {"username": "shared@example.org", "password": PASSWORD})
    assert not logged_in(c)


def test_password_reset_mails_are_limited():
    """Review §4: 15 reset mails reached one user in about 1 s."""
    h.user("reset@example.org")
    for _ in range(10):
        r = Client().post(reverse("password_reset"), {"email": "reset@example.org"})
        assert r.status_code == 302 and r["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == RESET_PER_EMAIL


def test_weak_passwords_are_refused():
    """Review §3: an invitation was accepted with password « 1 »."""
    org = h.company()
    inv = Invitation.objects.create(
        email="new@example.org", role="contributeur", organisation=org, token="t" * 43
    )
    for weak in ("1", "12345678901", "password123", "new@example.org"):
        r = Client().post(reverse("invitation", args=[inv.token]), {"password1": weak, "password2": weak})
        assert r.status_code == 400, weak
    assert not get_user_model().objects.filter(username="new@example.org").exists()
    strong = "Cinq-chevaux-verts-2026"
    r = Client().post(reverse("invitation", args=[inv.token]), {"password1": strong, "password2": strong})
    assert r.status_code == 302 and get_user_model().objects.get(username="new@example.org").check_password(
        strong
    )


def test_an_invitation_is_bound_to_its_address():
    """Review §1.3: admin2 (org 2) used an admin invitation addressed to victim@ and became admin of org 1."""
    org1, org2 = h.company("Org 1"), h.company("Org 2")
    h.user("admin2@example.org", org2, ADMIN)
    inv = Invitation.objects.create(email="victim@example.org", role=ADMIN, organisation=org1, token="v" * 43)
    c = Client()
    c.login(username="admin2@example.org", password=PASSWORD)
    r = c.post(reverse("invitation", args=[inv.token]))
    assert r.status_code == 403 and "victim@example.org" in r.content.decode()
    assert not Member.objects.filter(organisation=org1).exists()
    inv.refresh_from_db()
    assert inv.accepted_at is None
    # the right person accepts it
    h.user("victim@example.org")
    c = Client()
    c.login(username="victim@example.org", password=PASSWORD)
    assert c.post(reverse("invitation", args=[inv.token])).status_code == 302
    assert Member.objects.get(organisation=org1).user.username == "victim@example.org"


def test_an_anonymous_link_holder_cannot_take_an_existing_account():
    org = h.company()
    h.user("owner@example.org")
    inv = Invitation.objects.create(email="owner@example.org", role=ADMIN, organisation=org, token="o" * 43)
    strong = "Cinq-chevaux-verts-2026"
    r = Client().post(reverse("invitation", args=[inv.token]), {"password1": strong, "password2": strong})
    assert r.status_code == 403 and not Member.objects.filter(organisation=org).exists()


class UnreachableBackend(BaseEmailBackend):
    """A mail server that does not answer (review §3: SMTP on localhost:25, nothing listening)."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        self.open()


class RefusingBackend(BaseEmailBackend):
    """A mail server that answers but refuses the message."""

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no")})


@pytest.mark.parametrize("backend", ["UnreachableBackend", "RefusingBackend"])
def test_invitation_mail_failure_keeps_nothing(settings, backend):
    """Review §3: an invitation returned 500 and its row was kept, without a mail."""
    settings.EMAIL_BACKEND = f"tests.organisations.test_accounts.{backend}"
    org = h.company()
    h.user("boss@example.org", org, ADMIN)
    c = Client()
    c.login(username="boss@example.org", password=PASSWORD)
    r = c.post(
        reverse("organisation", args=[org.pk]),
        {"email": "new@example.org", "role": "contributeur"},
        follow=True,
    )
    assert r.status_code == 200 and "rien n'a été enregistré" in html.unescape(r.content.decode())
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("backend", ["UnreachableBackend", "RefusingBackend"])
def test_reminder_mail_failure_moves_no_counter(settings, backend):
    """Review §3: a reminder returned 500 after `reminders` was incremented for every organisation."""
    settings.EMAIL_BACKEND = f"tests.organisations.test_accounts.{backend}"
    camp = h.campaign()
    orgs = [h.company(f"Retard {i}") for i in range(2)]
    for i, o in enumerate(orgs):
        h.user(f"late{i}@example.org", o, ADMIN)
    services.campaign_invite(camp, orgs)
    coord = h.user("coord@example.org", role="coordinateur", terr=camp.territory)
    c = Client()
    c.force_login(coord)
    r = c.post(reverse("campaign_action", args=[camp.pk]), {"action": "relancer"}, follow=True)
    assert r.status_code == 200 and "rien n'a été enregistré" in html.unescape(r.content.decode())
    assert sorted(camp.participations.values_list("reminders", flat=True)) == [0, 0]


def test_invitation_and_reminder_send_when_the_server_answers():
    org = h.company()
    admin = h.user("admin@example.org", org, ADMIN)
    oservices.invitation_create(email="x@example.org", role="lecteur", invited_by=admin, organisation=org,
                                accept_url="http://t/{token}/")  # fmt: skip
    assert Invitation.objects.count() == 1 and mail.outbox[0].to == ["x@example.org"]
