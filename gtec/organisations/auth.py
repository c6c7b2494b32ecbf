"""Login throttling: too many failed logins lock the username and the client address for a while.

Limits (documented in docs/needs.md): 5 failures per username, 20 per IP address, within 15 minutes; the
counters live in Django's default cache (per process with the default local-memory cache: use a shared
cache such as Redis or the database cache when several processes serve the site)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache

MAX_PER_USERNAME = 5
MAX_PER_IP = 20
WINDOW_SECONDS = 15 * 60


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"gtec-login:u:{username.strip().lower()}", f"gtec-login:ip:{ip}"


def is_locked(username: str, ip: str) -> bool:
    user_key, ip_key = _keys(username, ip)
    return cache.get(user_key, 0) >= MAX_PER_USERNAME or cache.get(ip_key, 0) >= MAX_PER_IP


def record_failure(username: str, ip: str) -> None:
    for key in _keys(username, ip):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def reset(username: str) -> None:
    cache.delete(_keys(username, "")[0])


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request else ""


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Trop de tentatives de connexion : réessayez dans 15 minutes.",
    }

    def clean(self):
        username = self.data.get("username", "") or ""
        ip = client_ip(self.request)
        if is_locked(username, ip):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record_failure(username, ip)
            raise
        reset(username)
        return cleaned
