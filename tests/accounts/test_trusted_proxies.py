"""The client address (SECURITY.md 33): X-Forwarded-For is believed only from a configured trusted proxy."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from attune.accounts.models import UserSession
from attune.core.network import client_address
from tests.cast import PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
PROXY = "172.16.0.5"


def _request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_the_header_is_ignored_without_trusted_proxies(settings) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = []
    assert client_address(_request(PROXY, "203.0.113.9")) == PROXY


def test_the_header_is_believed_from_a_trusted_proxy_only(settings) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = ["172.16.0.0/12"]
    assert client_address(_request(PROXY, "203.0.113.9")) == "203.0.113.9"
    # A client cannot forge its address by writing the header itself: the proxy appends the real peer.
    assert client_address(_request(PROXY, "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    # Chains of trusted proxies are skipped from the right.
    assert client_address(_request(PROXY, "203.0.113.9, 172.16.0.9")) == "203.0.113.9"
    # A peer that is not a trusted proxy is the client, whatever it writes.
    assert client_address(_request("203.0.113.50", "198.51.100.1")) == "203.0.113.50"
    # Garbage in the header leaves the last good hop.
    assert client_address(_request(PROXY, "not-an-address")) == PROXY


def test_behind_the_proxy_one_persons_failures_do_not_slow_another(cast, settings) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = [PROXY]
    for _ in range(6):
        Client().post(
            LOGIN,
            {"email": cast.dana.email, "password": "not the password at all"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.66",
        )
    # dana, from her own address through the same proxy, is not cooled off by the abuser's attempts ...
    signed = Client().post(
        LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert signed.status_code == 302
    assert UserSession.objects.filter(user=cast.dana).latest("created").network == "203.0.113.9"
    # ... while the abuser's address is.
    again = Client().post(
        LOGIN, {"email": cast.dana.email, "password": PASSWORD}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.66"
    )
    assert "wait a few minutes" in again.content.decode()


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_cool_off(cast, settings) -> None:
    settings.ATTUNE_TRUSTED_PROXIES = []
    for i in range(6):
        Client().post(
            LOGIN,
            {"email": cast.dana.email, "password": "not the password at all"},
            REMOTE_ADDR="198.51.100.66",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{i}",
        )
    forged = Client().post(
        LOGIN,
        {"email": cast.dana.email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.66",
        HTTP_X_FORWARDED_FOR="203.0.113.200",
    )
    assert "wait a few minutes" in forged.content.decode()
