"""Every monitoring endpoint has rows and a request in tests/authz_matrix_monitoring.py; tests/test_authz_matrix.py
runs them with every other app's rows. Checked here too, so a gap in monitoring shows in this app's tests."""

from __future__ import annotations

import uuid
from typing import Any

from django.urls import reverse

from attune.api.main import api
from attune.monitoring.urls import urlpatterns
from tests import authz_matrix_monitoring
from tests.authz_matrix import parse
from tests.authz_requests import BUILDERS
from tests.cast import Cast

ROWS = parse(authz_matrix_monitoring.TABLE)


def monitoring_operations() -> dict[str, str]:
    schema = api.get_openapi_schema()
    return {
        op["operationId"]: method.upper()
        for item in schema["paths"].values()
        for method, op in item.items()
        if "monitoring" in op.get("tags", [])
    }


def test_every_monitoring_endpoint_has_rows_and_requests() -> None:
    expected = {f"monitoring:{p.name}" for p in urlpatterns} | {f"api:{op}" for op in monitoring_operations()}
    assert {row.endpoint for row in ROWS} == expected
    assert {(row.endpoint, row.method) for row in ROWS} <= set(BUILDERS)
    for op, method in monitoring_operations().items():
        assert {row.method for row in ROWS if row.endpoint == f"api:{op}"} == {method}


def test_a_made_up_alert_id_is_404(cast: Cast, client_for: Any) -> None:
    for user in (cast.alice, cast.sam):
        assert client_for(user).get(reverse("monitoring:alert", args=[uuid.uuid4()])).status_code == 404
