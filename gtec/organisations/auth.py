"""Login throttling: too many failed logins lock the identity and the client address for a while.

Limits (documented in docs/needs.md): 5 failures per identity, 20 per IP address, within 15 minutes.
The identity is the username as Django itself compares it (NFKC normalisation, as the login form and
`AbstractBaseUser.normalize_username` do, then case-folded and stripped), so « ｌecteur » and « lecteur »
share one counter. The check lives in the authentication backend (`ThrottledModelBackend`), so every
login form — the site's, the admin's, any later one — is throttled the same way; the forms only turn the
lock into a French message. Counters live in Django's default cache: in production that cache must be
shared by every process (Redis), or each worker would count on its own (a deploy check warns).

Password-reset mails are limited too: 3 per address and 20 per IP address within an hour."""

from __future__ import annotations

import unicodedata

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

MAX_PER_USERNAME = 5
MAX_PER_IP = 20
WINDOW_SECONDS = 15 * 60

RESET_PER_EMAIL = 3
RESET_PER_IP = 20
RESET_WINDOW_SECONDS = 60 * 60

LOCKED_MESSAGE = "Trop de tentatives de connexion : réessayez dans 15 minutes."


def identity(username: str) -> str:
    """The throttle key of a username: NFKC (as Django normalises usernames), stripped, case-folded."""
    return unicodedata.normalize("NFKC", username or "").strip().casefold()


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"gtec-login:u:{identity(username)}", f"gtec-login:ip:{ip}"


def _count(key: str) -> int:
    return cache.get(key, 0) or 0


def _incr(key: str, window: int) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def is_locked(username: str, ip: str) -> bool:
    user_key, ip_key = _keys(username, ip)
    return _count(user_key) >= MAX_PER_USERNAME or (bool(ip) and _count(ip_key) >= MAX_PER_IP)


def record_failure(username: str, ip: str) -> None:
    user_key, ip_key = _keys(username, ip)
    _incr(user_key, WINDOW_SECONDS)
    if ip:
        _incr(ip_key, WINDOW_SECONDS)


def reset(username: str) -> None:
    cache.delete(_keys(username, "")[0])


def client_ip(request) -> str:
    """The client's address. Behind a reverse proxy the deployment sets REMOTE_ADDR from the trusted proxy
    header (see docs/environment.md), so this stays the one place that reads it."""
    return request.META.get("REMOTE_ADDR", "") if request else ""


class ThrottledModelBackend(ModelBackend):
    """Django's model backend behind the login throttle: a locked identity or address is refused before
    the password is even checked, and every failure counts, whatever form the attempt came from."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from django.contrib.auth import get_user_model

        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = client_ip(request)
        if is_locked(username, ip):
            raise PermissionDenied(LOCKED_MESSAGE)  # stops every backend: the attempt is refused
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(username, ip)
        else:
            reset(username)
        return user


class ThrottleMessageMixin:
    """Shows the lock as such (rather than « wrong password ») on a login form."""

    def clean(self):
        if is_locked(self.data.get("username", "") or "", client_ip(self.request)):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        return super().clean()


class ThrottledAuthenticationForm(ThrottleMessageMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottleMessageMixin, AdminAuthenticationForm):
    pass


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending at most RESET_PER_EMAIL mails per address and RESET_PER_IP per client
    address per hour. The page answers the same way when the limit is reached (it never reveals whether
    an address exists)."""

    def save(self, *args, request=None, **kwargs):
        email_key = f"gtec-reset:e:{identity(self.cleaned_data.get('email', ''))}"
        ip = client_ip(request)
        over = _incr(email_key, RESET_WINDOW_SECONDS) > RESET_PER_EMAIL
        if ip:
            over = _incr(f"gtec-reset:ip:{ip}", RESET_WINDOW_SECONDS) > RESET_PER_IP or over
        if over:
            return None
        return super().save(*args, request=request, **kwargs)
