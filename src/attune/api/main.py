"""The JSON API root: authentication for browsers (session + CSRF) and apps (Bearer tokens), error shapes,
and the routers of each app. Every operation requires authentication unless it says auth=None; the
anonymous-walk test keeps that list reviewed."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from attune.accounts import mfa
from attune.accounts import services as account_services
from attune.accounts.api import router as accounts_router
from attune.care.api import router as care_router
from attune.care.services import StaleWriteError
from attune.clinical.api import router as clinical_router
from attune.core import apidoc
from attune.couples.api import router as couples_router
from attune.diary.api import router as diary_router
from attune.intake.api import router as intake_router
from attune.learn.api import router as learn_router
from attune.monitoring.api import router as monitoring_router
from attune.notify.api import router as notify_router
from attune.privacy.api import router as privacy_router
from attune.questionnaires.api import router as questionnaires_router
from attune.safetyplan.api import router as safetyplan_router
from attune.skills.api import router as skills_router


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = account_services.user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSession(SessionAuth):
    """The browser's session, with CSRF. A staff session that has not completed MFA reaches nothing."""

    def __call__(self, request: HttpRequest) -> Any:
        # CSRF protects a signed-in session. Without one there is nothing to forge, and the caller (an app whose
        # token was revoked, say) must hear 401 "sign in", as on a read, not 403 "CSRF check failed".
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        if not user.is_verified() and (mfa.mfa_required(user) or mfa.has_mfa(user)):
            return None
        return user


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class TextParser(Parser):
    """JSON bodies and query strings, refusing text that holds a NUL character: nobody types one, and PostgreSQL
    cannot store it (the write would fail as a server error). A body answers 400 (ninja's "Cannot parse request
    body"), a query 422."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        if _holds_nul(data):
            raise ValueError("a NUL character in the body")
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        parsed = super().parse_querydict(data, list_fields, request)
        if _holds_nul(parsed):
            raise NinjaValidationError([{"loc": ("query",), "msg": "Text cannot hold a NUL character."}])
        return parsed


class AttuneAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        """The document also declares the errors every operation can answer, with their body (core/apidoc.py)."""
        return apidoc.complete(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = AttuneAPI(
    title="Attune API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), ActiveSession()],
    docs_url=None,
    parser=TextParser(),
)
api.add_router("/", accounts_router)
api.add_router("/", care_router)
api.add_router("/", questionnaires_router)
api.add_router("/", diary_router)
api.add_router("/", skills_router)
api.add_router("/", monitoring_router)
api.add_router("/", intake_router)
api.add_router("/", learn_router)
api.add_router("/", notify_router)
api.add_router("/", couples_router)
api.add_router("/", safetyplan_router)
api.add_router("/", privacy_router)
api.add_router("/", clinical_router)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "You do not have access to this.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "Sign in or send a valid token.")


@api.exception_handler(DjangoValidationError)
def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    errors: list[dict[str, Any]]
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": field, "message": " ".join(m for e in errs for m in e.messages)}
            for field, errs in exc.error_dict.items()
        ]
    else:
        errors = [{"field": None, "message": message} for message in exc.messages]
    return _error(request, 422, errors[0]["message"], errors=errors)


@api.exception_handler(NinjaValidationError)
def invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in {"body", "query", "path", "payload"}]
        errors.append({"field": ".".join(location) or None, "message": error.get("msg", "Invalid value")})
    first = errors[0] if errors else {"field": None, "message": "Invalid input"}
    message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return _error(request, 422, message, errors=errors)


@api.exception_handler(StaleWriteError)
def stale(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 409, str(exc))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 422:
        return _error(request, 422, str(exc), errors=[{"field": None, "message": str(exc)}])
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("attune.api").error("unhandled %s in %s", type(exc).__name__, request.resolver_match)
    return _error(request, 500, "Something went wrong on our side. Nothing was changed.")
