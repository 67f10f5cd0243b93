"""The questionnaire engine's services as a signed-in person calls them: reach the client or the response through
the access policy first (as the views do), then call the service with what the policy returned."""

from __future__ import annotations

from typing import Any

from attune.core import policy
from attune.core.policy import Located
from attune.questionnaires import fhir, perms, services
from attune.questionnaires.models import Response


def answering(user: Any, response_id: Any) -> Located[Response]:
    return policy.locate(user, Response, response_id, perms.ANSWER, entity=services.ENTITY, allowed=services.answerable)


def assign(user: Any, client_id: Any, code: str) -> Response:
    return services.assign(policy.client(user, client_id, perms.ASSIGN), code)


def start(user: Any, client_id: Any, code: str, *, response_id: Any = None) -> Response:
    return services.start(policy.client(user, client_id, perms.ANSWER), code, response_id=response_id)


def acknowledge_notice(user: Any, response_id: Any) -> Response:
    return services.acknowledge_notice(answering(user, response_id))


def answer(user: Any, response_id: Any, link_id: str, *, value: float | None = None, skipped: bool = False) -> Response:
    return services.answer(answering(user, response_id), link_id, value=value, skipped=skipped).response


def submit(user: Any, response_id: Any, key: Any) -> Response:
    return services.submit(answering(user, response_id), key)


def import_response(user: Any, client_id: Any, resource: dict[str, Any]) -> Response:
    return fhir.import_response(policy.client(user, client_id, perms.ASSIGN), resource)
