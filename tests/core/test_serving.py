"""Serving as in production: JSON logs with ids, request ids, error pages that keep the CSP and list nothing, and
`make serve`'s static files (hashed, compressed, long-lived) and Makefile split."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from attune.core import logs

pytestmark = pytest.mark.django_db
PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_json_log_lines_carry_the_request_and_user_ids_and_no_exception_text() -> None:
    formatter = logs.JsonFormatter()
    tokens = logs.bind("abc12345def", 42)
    try:
        record = logging.LogRecord("attune.x", logging.ERROR, __file__, 1, "tick %s failed", ("notify",), None)
        try:
            raise ValueError("Dana's words")
        except ValueError:
            record.exc_info = sys.exc_info()
        line = json.loads(formatter.format(record))
    finally:
        logs.unbind(tokens)
    assert line["request_id"] == "abc12345def" and line["user_id"] == 42
    assert line["message"] == "tick notify failed" and line["exception"] == "ValueError"
    assert "Dana" not in json.dumps(line)


def test_every_response_names_its_request_id_and_a_proxys_id_is_kept_only_when_plain(cast, client_for) -> None:
    generated = Client().get("/account/sign-in/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert Client().get("/account/sign-in/", HTTP_X_REQUEST_ID="lb-1234567890")["X-Request-ID"] == "lb-1234567890"
    odd = Client().get("/account/sign-in/", HTTP_X_REQUEST_ID="<script>dana</script>")["X-Request-ID"]
    assert "dana" not in odd


def _serve_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_") and k != "DATABASE_URL"}
    env.update(
        ATTUNE_VAR_DIR=str(tmp_path),
        ATTUNE_DEBUG="0",
        ATTUNE_STATIC_MANIFEST="1",
        DJANGO_SETTINGS_MODULE="attune.settings",
        PYTHONPATH=str(PROJECT_DIR / "src"),
    )
    return env


SERVE_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.templatetags.static import static
c = Client(HTTP_HOST="127.0.0.1")
css = static("attune/attune.css")
plain = c.get(css)
packed = c.get(css, HTTP_ACCEPT_ENCODING="gzip")
missing = c.get("/no/such/page/")
print(json.dumps({
    "css": css,
    "cache": plain.headers.get("Cache-Control", ""),
    "encoding": packed.headers.get("Content-Encoding", ""),
    "404": missing.status_code,
    "404_csp": missing.headers.get("Content-Security-Policy", ""),
    "404_body": missing.content.decode(),
}))
"""


def test_make_serve_static_files_are_hashed_compressed_and_long_lived_and_404_keeps_the_csp(tmp_path: Path) -> None:
    env = _serve_env(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "attune.manage", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
        cwd=PROJECT_DIR,
    )
    result = subprocess.run(
        [sys.executable, "-c", SERVE_PROBE], env=env, capture_output=True, text=True, timeout=300, cwd=PROJECT_DIR
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert re.search(r"attune\.[0-9a-f]{12}\.css$", probe["css"])
    assert "max-age=315360000" in probe["cache"] and "immutable" in probe["cache"]
    assert probe["encoding"] == "gzip"
    assert probe["404"] == 404 and "default-src 'self'" in probe["404_csp"]
    assert "We could not find that page" in probe["404_body"] and "URLconf" not in probe["404_body"]


def test_the_demo_installs_no_browser_and_the_tests_do() -> None:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    targets = dict(re.findall(r"^([a-z-]+):(.*)$", makefile, flags=re.MULTILINE))
    assert "$(CHROMIUM)" not in targets["demo"] and "install-app" in targets["demo"]
    assert "$(CHROMIUM)" not in targets["install-app"] and "$(CHROMIUM)" not in targets["serve"]
    assert "$(CHROMIUM)" in targets["install"] and "install" in targets["test-suite"].split()
    assert "poppler-utils" in makefile.split("$(CHROMIUM):", 1)[1].split("\n\n", 1)[0]
    procfile = (PROJECT_DIR / "Procfile.serve").read_text()
    assert "gunicorn attune.wsgi:application" in procfile and "attune worker" in procfile
