"""Web Push, the outbox's second channel: subscriptions (API), which rows enqueue writes, delivery to a push
service (a fake one, a local HTTP server: encrypted payload, VAPID Authorization, Topic, Urgency, TTL), devices
the push service says are gone, retries, the neutral payload, the service worker and the manifest."""

from __future__ import annotations

import base64
import datetime
import json
import os
import secrets
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
import time_machine
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from django.utils import timezone

from attune.measures import library
from attune.notify import channels, delivery, services
from attune.notify.inputs import PushKeys, PushSubscriptionInput
from attune.notify.models import Notification, NotificationPreference, PushSubscription
from tests.cast import CANARIES

pytestmark = pytest.mark.django_db

API = "/api/v1/me/push-subscriptions"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Device:
    """A browser's side of a subscription: the keys a real browser keeps to decrypt what it is sent."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: secrets.token_bytes(16))

    def keys(self) -> dict[str, str]:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": _b64(point), "auth": _b64(self.auth)}

    def json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "keys": self.keys(), "expirationTime": None}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm")
        decoded: dict[str, Any] = json.loads(plain)
        return decoded


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class FakePushService:
    """A push service on 127.0.0.1 that records every message and answers with the status a test sets per path."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def device(self) -> Device:
        return Device(endpoint=f"{self.origin}/push/{secrets.token_urlsafe(16)}")


@pytest.fixture
def push_service(settings) -> Iterator[FakePushService]:
    settings.ATTUNE_PUSH_ENABLED = True
    settings.ATTUNE_PUSH_SERVICES = ["127.0.0.1"]
    fake = FakePushService()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.httpd.shutdown()
        fake.httpd.server_close()


def _subscribe(user, device: Device) -> PushSubscription:
    data = PushSubscriptionInput(endpoint=device.endpoint, keys=PushKeys(**device.keys()))
    return services.add_device(user, data)


def _enqueue(user, key: str = "k", **extra) -> list[Notification]:
    return services.enqueue(
        recipient_id=user.pk, purpose="alert", target=f"/alerts/{uuid.uuid4()}/", dedupe_key=key, **extra
    )


def _push_row(rows: list[Notification]) -> Notification:
    [row] = [r for r in rows if r.channel == Notification.Channel.PUSH]
    return row


def _verify_vapid(authorization: str, public_key: str, audience: str, subject: str) -> None:
    """RFC 8292: `vapid t=<ES256 JWT>, k=<the server's public key>`, signed by the key browsers subscribed with."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    assert json.loads(_unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    decoded = json.loads(_unb64(claims))
    assert decoded["aud"] == audience and decoded["sub"] == subject
    assert decoded["exp"] > timezone.now().timestamp()
    raw = _unb64(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(public_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:  # pragma: no cover - the assertion below says what went wrong
        raise AssertionError("the VAPID JWT is not signed with the configured key") from None


# --- enqueue ----------------------------------------------------------------------------------------------------


def test_push_rows_only_for_a_live_device_with_push_on(cast, push_service, settings):
    assert [r.channel for r in _enqueue(cast.alice, "none")] == ["email"]
    _subscribe(cast.alice, push_service.device())
    assert sorted(r.channel for r in _enqueue(cast.alice, "device", urgent=True)) == ["email", "push"]
    assert _push_row(_enqueue(cast.alice, "device")).urgent  # the same key: the same rows
    NotificationPreference.objects.update_or_create(user=cast.alice, defaults={"push": False})
    assert [r.channel for r in _enqueue(cast.alice, "push off")] == ["email"]
    NotificationPreference.objects.filter(user=cast.alice).update(push=True, paused=True)
    assert _enqueue(cast.alice, "everything off") == []
    NotificationPreference.objects.filter(user=cast.alice).update(paused=False)
    settings.ATTUNE_PUSH_ENABLED = False
    assert [r.channel for r in _enqueue(cast.alice, "service off")] == ["email"]


# --- delivery to a push service ---------------------------------------------------------------------------------


def test_delivery_sends_an_encrypted_neutral_payload_signed_with_vapid(cast, push_service, settings):
    dana = cast.client("dana")
    device = push_service.device()
    _subscribe(cast.alice, device)
    row = _push_row(_enqueue(cast.alice, "urgent", urgent=True))
    assert delivery.deliver(row.pk) == "sent"
    [got] = push_service.received
    assert got.path == device.endpoint.removeprefix(push_service.origin)
    assert got.headers["content-encoding"] == "aes128gcm"
    assert got.headers["topic"] == row.pk.hex and got.headers["urgency"] == "high"
    assert got.headers["ttl"] == str(settings.ATTUNE_PUSH_TTL_SECONDS)
    _verify_vapid(
        got.headers["authorization"],
        settings.ATTUNE_VAPID_PUBLIC_KEY,
        push_service.origin,
        settings.ATTUNE_VAPID_SUBJECT,
    )
    # Encrypted on the wire: nothing readable, not even the link.
    assert b"/n/" not in got.body and b"Attune" not in got.body
    assert device.decrypt(got.body) == {"label": "Attune", "link": f"/n/{row.pk}/"}
    assert dana.preferred_name.encode() not in got.body


def test_a_message_that_is_not_urgent_asks_for_normal_urgency(cast, push_service):
    _subscribe(cast.bob, push_service.device())
    row = _push_row(_enqueue(cast.bob, "later"))
    assert delivery.deliver(row.pk) == "sent"
    assert push_service.received[0].headers["urgency"] == "normal"


def test_every_device_gets_it_and_a_repeat_keeps_the_topic(cast, push_service):
    phone, laptop = push_service.device(), push_service.device()
    _subscribe(cast.alice, phone)
    _subscribe(cast.alice, laptop)
    row = _push_row(_enqueue(cast.alice))
    assert delivery.deliver(row.pk) == "sent"
    assert sorted(r.path for r in push_service.received) == sorted(
        d.endpoint.removeprefix(push_service.origin) for d in (phone, laptop)
    )
    # A delivery repeated (a worker died after sending) names the same Topic: the push service replaces it.
    Notification.objects.filter(pk=row.pk).update(status="queued", lease_until=None)
    assert delivery.deliver(row.pk) == "sent"
    assert {r.headers["topic"] for r in push_service.received} == {row.pk.hex}


def test_a_device_the_push_service_calls_gone_is_removed(cast, push_service):
    gone, kept = push_service.device(), push_service.device()
    _subscribe(cast.alice, gone)
    _subscribe(cast.alice, kept)
    push_service.status[gone.endpoint.removeprefix(push_service.origin)] = 410
    row = _push_row(_enqueue(cast.alice))
    assert delivery.deliver(row.pk) == "sent"
    assert list(PushSubscription.objects.filter(user=cast.alice).values_list("endpoint", flat=True)) == [kept.endpoint]
    # Once the last device is gone there is nowhere to send: cancelled, not retried, and no more push rows.
    push_service.status[kept.endpoint.removeprefix(push_service.origin)] = 404
    row = _push_row(_enqueue(cast.alice, "again"))
    assert delivery.deliver(row.pk) == "cancelled"
    assert not PushSubscription.objects.filter(user=cast.alice).exists()
    assert [r.channel for r in _enqueue(cast.alice, "third")] == ["email"]


def test_other_failures_are_retried_with_backoff_and_say_nothing(cast, push_service, jobs):
    device = push_service.device()
    _subscribe(cast.alice, device)
    push_service.status[device.endpoint.removeprefix(push_service.origin)] = 503
    row = _push_row(_enqueue(cast.alice))
    before = timezone.now()
    assert delivery.deliver(row.pk) == "queued"
    row.refresh_from_db()
    assert row.attempts == 1 and row.next_attempt_at >= before + delivery.backoff(1)
    assert row.last_error == "WebPushException: the push service refused the message or could not be reached"
    assert PushSubscription.objects.filter(pk__isnull=False, endpoint=device.endpoint).exists()
    assert any(r.task.run_after is not None for r in jobs.results)  # the retry is queued for later


def test_a_push_service_that_cannot_be_reached_is_retried(cast, push_service):
    device = push_service.device()
    _subscribe(cast.alice, device)
    push_service.httpd.shutdown()
    push_service.httpd.server_close()
    row = _push_row(_enqueue(cast.alice))
    assert delivery.deliver(row.pk) == "queued"
    row.refresh_from_db()
    assert row.last_error.startswith("ConnectionError: the push service")


def test_a_device_turned_off_before_delivery_cancels_the_push(cast, push_service):
    device = push_service.device()
    _subscribe(cast.alice, device)
    row = _push_row(_enqueue(cast.alice))
    services.remove_device(cast.alice, device.endpoint)
    assert delivery.deliver(row.pk) == "cancelled" and push_service.received == []


def test_the_payload_says_nothing_about_what_it_is(cast, push_service):
    dana = cast.client("dana")
    devices = {cast.alice.pk: push_service.device(), cast.dana.pk: push_service.device()}
    for user in (cast.alice, cast.dana):
        _subscribe(user, devices[user.pk])
    forbidden = [*CANARIES, dana.preferred_name, "safety", "alert", "crisis", "risk", "score", str(dana.pk)]
    forbidden += [i.code for i in library.all_instruments()] + [i.title for i in library.all_instruments()]
    for purpose in set(Notification.Purpose.values) - {Notification.Purpose.SIGN_IN}:  # sign-in links: email only
        for user in (cast.alice, cast.dana):
            target = f"/alerts/{uuid.uuid4()}/?client={dana.pk}"
            row = _push_row(services.enqueue(recipient_id=user.pk, purpose=purpose, target=target, dedupe_key=target))
            assert delivery.deliver(row.pk) == "sent"
            got = push_service.received[-1]
            payload = devices[user.pk].decrypt(got.body)
            # The readable headers (the rest are keys and signatures, random to anyone without the key).
            readable = {k: got.headers[k] for k in ("topic", "urgency", "ttl", "content-encoding")}
            assert set(got.headers) - set(readable) <= {
                "authorization",
                "content-length",
                "host",
                "user-agent",
                "accept",
                "accept-encoding",
                "connection",
            }, got.headers.keys()
            text = json.dumps(payload).lower() + json.dumps(readable).lower()
            assert payload == {"label": "Attune", "link": f"/n/{row.pk}/"}
            assert not [word for word in forbidden if word and word.lower() in text], purpose
            assert target.lower() not in text
    # The words themselves live in the service worker, one sentence for every message.
    worker = Path(channels.__file__).parents[1] / "static" / "attune" / "sw.js"
    assert worker.read_text().count('"You have a new message in "') == 1


def test_the_payload_carries_the_chosen_label(cast, push_service):
    services.save_preferences(cast.dana, services.current(cast.dana).model_copy(update={"label": "Notes"}))
    device = push_service.device()
    _subscribe(cast.dana, device)
    row = _push_row(_enqueue(cast.dana))
    delivery.deliver(row.pk)
    assert device.decrypt(push_service.received[0].body) == {"label": "Notes", "link": f"/n/{row.pk}/"}


# --- subscriptions: the API -------------------------------------------------------------------------------------


def test_the_api_turns_a_device_on_and_off(cast, api_for, push_service):
    device = push_service.device()
    answer = api_for(cast.dana).post(API, device.json(), "application/json")
    assert answer.status_code == 201 and set(answer.json()) == {"created"}
    saved = PushSubscription.objects.get(user=cast.dana)
    assert saved.endpoint == device.endpoint and saved.p256dh == device.keys()["p256dh"]
    # Again from the same browser: still one row.
    assert api_for(cast.dana).post(API, device.json(), "application/json").status_code == 201
    assert PushSubscription.objects.filter(user=cast.dana).count() == 1
    gone = api_for(cast.dana).delete(API, {"endpoint": device.endpoint}, "application/json")
    assert gone.status_code == 204 and not PushSubscription.objects.filter(user=cast.dana).exists()
    again = api_for(cast.dana).delete(API, {"endpoint": device.endpoint}, "application/json")
    assert again.status_code == 204


def test_turning_a_device_on_turns_push_back_on(cast, api_for, push_service):
    NotificationPreference.objects.create(user=cast.dana, push=False)
    assert api_for(cast.dana).post(API, push_service.device().json(), "application/json").status_code == 201
    assert NotificationPreference.objects.get(user=cast.dana).push


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://169.254.169.254/latest/meta-data/",
        "https://internal.example.org/push/1",
        "https://fcm.googleapis.com.evil.example/push/1",
        "https://user:pw@fcm.googleapis.com/push/1",
        "ftp://fcm.googleapis.com/push/1",
        "https://fcm.googleapis.com/" + "x" * 500,
    ],
)
def test_only_push_services_are_accepted(cast, api_for, settings, endpoint):
    settings.ATTUNE_PUSH_ENABLED = True
    body = {"endpoint": endpoint, "keys": Device(endpoint).keys()}
    assert api_for(cast.dana).post(API, body, "application/json").status_code == 422
    assert not PushSubscription.objects.exists()


def test_a_known_push_service_is_accepted(cast, api_for, settings):
    settings.ATTUNE_PUSH_ENABLED = True
    device = Device("https://fcm.googleapis.com/fcm/send/abc123")
    assert api_for(cast.dana).post(API, device.json(), "application/json").status_code == 201


@pytest.mark.parametrize(
    ("p256dh", "auth"),
    [("AAAA", None), (None, "AAAA"), ("not base64 !", None), (_b64(b"\x02" + bytes(64)), None)],
)
def test_keys_must_be_a_p256_point_and_a_16_byte_secret(cast, api_for, push_service, p256dh, auth):
    device = push_service.device()
    keys = {**device.keys(), **({"p256dh": p256dh} if p256dh else {}), **({"auth": auth} if auth else {})}
    answer = api_for(cast.dana).post(API, {"endpoint": device.endpoint, "keys": keys}, "application/json")
    assert answer.status_code == 422 and not PushSubscription.objects.exists()


def test_nobody_turns_off_someone_elses_device(cast, api_for, push_service):
    device = push_service.device()
    _subscribe(cast.dana, device)
    assert api_for(cast.eli).delete(API, {"endpoint": device.endpoint}, "application/json").status_code == 204
    assert PushSubscription.objects.filter(user=cast.dana).exists()


def test_a_shared_browser_belongs_to_whoever_turned_it_on_last(cast, push_service):
    device = push_service.device()
    _subscribe(cast.dana, device)
    _subscribe(cast.eli, device)
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [cast.eli.pk]


def test_old_devices_are_forgotten_past_the_limit(cast, push_service):
    made = [_subscribe(cast.dana, push_service.device()) for _ in range(services.DEVICES_MAX + 2)]
    kept = set(PushSubscription.objects.filter(user=cast.dana).values_list("pk", flat=True))
    assert len(kept) == services.DEVICES_MAX and made[-1].pk in kept


def test_where_push_is_off_the_api_says_so(cast, api_for, settings):
    settings.ATTUNE_PUSH_ENABLED = False
    device = Device("https://fcm.googleapis.com/fcm/send/abc123")
    assert api_for(cast.dana).post(API, device.json(), "application/json").status_code == 404


def test_subscribing_and_unsubscribing_are_audited_without_the_endpoint(cast, push_service):
    from attune.core.models import AuditEvent

    device = push_service.device()
    saved = _subscribe(cast.dana, device)
    services.remove_device(cast.dana, device.endpoint)
    events = AuditEvent.objects.filter(entity_type="PushSubscription", entity_id=str(saved.pk)).order_by("pk")
    assert [e.action for e in events] == ["C", "D"]


# --- the page, the service worker and the manifest ------------------------------------------------------------


def test_the_page_offers_the_device_switch_only_where_push_is_on(cast, client_for, settings):
    settings.ATTUNE_PUSH_ENABLED = True
    page = client_for(cast.dana).get("/account/notifications/").content.decode()
    assert 'id="device-push" hidden' in page and f'data-key="{settings.ATTUNE_VAPID_PUBLIC_KEY}"' in page
    assert 'data-worker="/sw.js"' in page and f'data-api="{API}"' in page
    assert "/static/attune/push.js" in page and "/static/attune/manifest.json" in page
    settings.ATTUNE_PUSH_ENABLED = False
    assert "device-push" not in client_for(cast.dana).get("/account/notifications/").content.decode()


def test_the_service_worker_is_served_at_the_root_to_anyone(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/javascript")
    assert answer["Cache-Control"] == "no-store"
    body = answer.content.decode()
    assert "showNotification" in body and "openWindow" in body
    # It answers two kinds of request only, and only when the network fails: the safety plan's page (from the
    # encrypted copy the client chose to keep) and Attune's static files. Every other page passes it untouched.
    handler = body[body.index('addEventListener("fetch"') :]
    handler = handler[: handler.index("\n});")]
    assert "url.pathname === PLAN_PATH" in handler and 'const PLAN_PATH = "/portal/plan/";' in body
    assert "fetch(request).catch(" in handler and handler.count("respondWith") == 2
    assert "caches.put" not in body and ".put(" not in body  # it writes nothing: the page keeps its own copy


def test_the_manifest_is_neutral_and_installable(client):
    manifest = json.loads(b"".join(client.get("/static/attune/manifest.json").streaming_content))
    assert manifest["name"] == manifest["short_name"] == "Notes"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    for icon in manifest["icons"]:
        assert client.get(f"/static/attune/{icon['src']}").status_code == 200


# --- settings -------------------------------------------------------------------------------------------------


def _production(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    key = tmp_path / "kek"
    key.write_text("dGhpcnR5LXR3by1ieXRlcy1vZi1rZXktbWF0ZXJpYWwhIQ==\n")
    secret = tmp_path / "secret"
    secret.write_text("s" * 60)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_") and k != "DATABASE_URL"} | {
        "ATTUNE_ENV": "production",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "ATTUNE_SECRET_KEY_FILE": str(secret),
        "ATTUNE_KEK_FILE": str(key),
        "ATTUNE_AUDIT_KEY_FILE": str(key),
        "ATTUNE_ALLOWED_HOSTS": "care.example.org",
        "ATTUNE_SITE_URL": "https://care.example.org",
        "DJANGO_SETTINGS_MODULE": "attune.settings",
        **extra,
    }
    command = [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
               "print(s.ATTUNE_PUSH_ENABLED, s.ATTUNE_VAPID_PUBLIC_KEY)"]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_production_needs_vapid_keys_only_when_push_is_on(tmp_path: Path) -> None:
    off = _production(tmp_path)
    assert off.returncode == 0 and off.stdout.split() == ["False"], off.stderr
    missing = _production(tmp_path, ATTUNE_PUSH_ENABLED="true", ATTUNE_VAPID_SUBJECT="mailto:ops@example.org")
    assert missing.returncode != 0 and "ATTUNE_VAPID_PRIVATE_KEY_FILE must be set" in missing.stderr
    pem = tmp_path / "vapid.pem"
    pem.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    no_subject = _production(tmp_path, ATTUNE_PUSH_ENABLED="true", ATTUNE_VAPID_PRIVATE_KEY_FILE=str(pem))
    assert no_subject.returncode != 0 and "ATTUNE_VAPID_SUBJECT" in no_subject.stderr
    on = _production(
        tmp_path,
        ATTUNE_PUSH_ENABLED="true",
        ATTUNE_VAPID_PRIVATE_KEY_FILE=str(pem),
        ATTUNE_VAPID_SUBJECT="mailto:ops@example.org",
    )
    assert on.returncode == 0, on.stderr
    enabled, public_key = on.stdout.split()
    assert enabled == "True" and len(_unb64(public_key)) == 65
    (tmp_path / "bad.pem").write_text("not a key")
    bad = _production(
        tmp_path,
        ATTUNE_PUSH_ENABLED="true",
        ATTUNE_VAPID_PRIVATE_KEY_FILE=str(tmp_path / "bad.pem"),
        ATTUNE_VAPID_SUBJECT="mailto:ops@example.org",
    )
    assert bad.returncode != 0 and "not a PEM private key" in bad.stderr


def test_development_makes_a_vapid_key_under_var(settings) -> None:
    assert settings.ATTUNE_VAPID_PRIVATE_KEY_FILE.name == "vapid-private.pem"
    assert settings.ATTUNE_VAPID_PRIVATE_KEY_FILE.parent.name == "keys"
    assert oct(settings.ATTUNE_VAPID_PRIVATE_KEY_FILE.stat().st_mode & 0o777) == "0o600"
    assert _unb64(settings.ATTUNE_VAPID_PUBLIC_KEY)[0] == 4


def test_quiet_hours_hold_push_like_email(cast, push_service) -> None:
    NotificationPreference.objects.create(
        user=cast.dana, quiet_start=datetime.time(11, 0), quiet_end=datetime.time(13, 0)
    )
    _subscribe(cast.dana, push_service.device())
    noon = timezone.make_aware(datetime.datetime(2026, 3, 10, 12, 0))
    with time_machine.travel(noon, tick=False):
        rows = _enqueue(cast.dana)
    assert {r.channel for r in rows} == {"email", "push"}
    assert {timezone.localtime(r.next_attempt_at).time() for r in rows} == {datetime.time(13, 0)}
