"""The authorisation matrix (SECURITY.md 3): the expected HTTP status of every endpoint for every member of the
standing cast, checked in and reviewed like code. tests/test_authz_matrix.py fails when an endpoint has no rows
here, when a row names an endpoint that no longer exists, and when any response differs from its cell.

Endpoints are a page's URL name ("workspace:client") or "api:" + an API operation id ("api:get_client"; the API's
URL names are its operation ids). Methods are the ones a browser or app uses; writes are sent with a valid
payload, so a refusal in a write row is the policy's and not the form's.

Targets say whose thing the request is about:
  client endpoints   own = dana's record; other = eli's record; shared = dana's record while she shares the
                     "referral" category with her partner (SharingGrant grantee_role="partner"). Without a grant
                     (own) nothing is shared, so own is also the unshared case. A grant shares reading only, so
                     shared rows cover the reads and the one write that touches the shared field.
  practice pages     own = Northside (alice, bob, sam, ada, rita, dana, eli, frank); other = Southside (carol, gus).
  API tokens         own = a token of the caller; other = a token of someone else.
  invitations        valid = a fresh staff invitation link; unusable = a link already used.
  "-"                the endpoint is about the caller alone, or about nothing.

Reading a row: no relationship -> 404; a relationship without the permission -> 403; anonymous -> 302 to
sign-in for pages and 401 for the API, except on the reviewed allowlist of tests/test_anonymous_walk.py.
Pages answer writes with 302 (back to the page, with a message).

Adding an endpoint (STYLE.md: the security check ships in the same commit as the endpoint): add its rows here,
register how to request it with builds(endpoint, method) in tests/test_authz_matrix.py, and run that test. A
failing row prints the statuses it observed in this table's format: compare them with the policy cell by cell
before copying anything.

Cells worth a second look, as they stand today:
  * frank (dana's partner) gets 403 on dana's record in every form, shared or not: the policy gives partners no
    client.view, and no endpoint yet shows a partner the categories shared with them (see the report of
    tests/api/test_clients_api.py::test_partner_with_a_referral_grant_still_cannot_read_the_record).
  * practice pages answer 403 to members of the practice without the admin role (alice, bob, sam, rita at
    Northside; carol at Southside), and 404 to everyone else, clients and partners included.
  * caseload and the API client list answer 200 (an empty list) to clients, partners and researchers.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTORS = ("dana", "eli", "alice", "bob", "carol", "frank", "sam", "ada", "rita", "anonymous")

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- pages: the caller's own things ----------------------------------------------------------------------
home                            GET    -          302 302  302  302  302   302  302 302  302  302
accounts:login                  GET    -          302 302  302  302  302   302  302 302  302  200
accounts:login                  POST   -          302 302  302  302  302   302  302 302  302  302
accounts:logout                 POST   -          302 302  302  302  302   302  302 302  302  302
accounts:settings               GET    -          200 200  200  200  200   200  200 200  200  302
accounts:settings               POST   -          302 302  302  302  302   302  302 302  302  302
accounts:create_token           POST   -          302 302  302  302  302   302  302 302  302  302
accounts:revoke_token           POST   own        302 302  302  302  302   302  302 302  302  302
accounts:revoke_token           POST   other      404 404  404  404  404   404  404 404  404  302
accounts:quick_exit             POST   -          204 204  204  204  204   204  204 204  204  204
accounts:about_quick_exit       GET    -          200 200  200  200  200   200  200 200  200  200
accounts:keepalive              POST   -          204 204  204  204  204   204  204 204  204  302
accounts:sign_out_elsewhere     POST   -          302 302  302  302  302   302  302 302  302  302
accounts:change_password        GET    -          200 200  200  200  200   200  200 200  200  302
accounts:change_password        POST   -          302 302  302  302  302   302  302 302  302  302
accounts:change_email           GET    -          200 200  200  200  200   200  200 200  200  302
accounts:change_email           POST   -          302 302  302  302  302   302  302 302  302  302
accounts:confirm                GET    -          200 200  200  200  200   200  200 200  200  302
accounts:confirm                POST   -          302 302  302  302  302   302  302 302  302  302
accounts:mfa_setup              GET    -          200 200  200  200  200   200  200 200  200  302
accounts:mfa_setup              POST   -          200 200  200  200  200   200  200 200  200  302
accounts:mfa_verify             GET    -          302 302  302  302  302   302  302 302  302  302
accounts:mfa_verify             POST   -          302 302  302  302  302   302  302 302  302  302
accounts:mfa_recovery_codes     POST   -          302 302  200  200  200   302  200 200  200  302
accounts:mfa_remove             POST   -          302 302  302  302  302   302  302 302  302  302
accounts:password_reset         GET    -          200 200  200  200  200   200  200 200  200  200
accounts:password_reset         POST   -          302 302  302  302  302   302  302 302  302  302
accounts:password_reset_done    GET    -          200 200  200  200  200   200  200 200  200  200
accounts:password_reset_confirm GET    -          302 302  302  302  302   302  302 302  302  302
accounts:password_reset_complete GET   -          200 200  200  200  200   200  200 200  200  200
accounts:sign_in_link           GET    -          200 200  200  200  200   200  200 200  200  200
accounts:sign_in_link           POST   -          400 400  400  400  400   400  400 400  400  400
accounts:passkey_add            GET    -          200 200  200  200  200   200  200 200  200  302
accounts:passkey_register_options POST -          200 200  200  200  200   200  200 200  200  302
accounts:passkey_register       POST   -          400 400  400  400  400   400  400 400  400  302
accounts:passkey_added          GET    -          302 302  302  302  302   302  302 302  302  302
accounts:passkey_rename         GET    own        200 200  200  200  200   200  200 200  200  302
accounts:passkey_rename         GET    other      404 404  404  404  404   404  404 404  404  302
accounts:passkey_rename         POST   own        302 302  302  302  302   302  302 302  302  302
accounts:passkey_rename         POST   other      404 404  404  404  404   404  404 404  404  302
accounts:passkey_remove         GET    own        200 200  200  200  200   200  200 200  200  302
accounts:passkey_remove         GET    other      404 404  404  404  404   404  404 404  404  302
accounts:passkey_remove         POST   own        302 302  302  302  302   302  302 302  302  302
accounts:passkey_remove         POST   other      404 404  404  404  404   404  404 404  404  302
accounts:passkey_sign_in_options POST  -          200 200  200  200  200   200  200 200  200  200
accounts:passkey_sign_in        POST   -          400 400  400  400  400   400  400 400  400  400
accounts:passkey_confirm_options POST  -          400 400  400  400  400   400  400 400  400  302
accounts:passkey_confirm        POST   -          400 400  400  400  400   400  400 400  400  302
health                          GET    -          503 503  503  503  503   503  503 503  503  503
health                          POST   -          405 405  405  405  405   405  405 405  405  405
accounts:accept_invitation      GET    valid      200 200  200  200  200   200  200 200  200  200
accounts:accept_invitation      GET    unusable   404 404  404  404  404   404  404 404  404  404
accounts:accept_invitation      POST   valid      302 302  302  302  302   302  302 302  302  302
accounts:accept_invitation      POST   unusable   404 404  404  404  404   404  404 404  404  404
workspace:portal                GET    -          200 200  403  403  403   200  403 403  403  302
workspace:research              GET    -          404 404  404  404  404   404  404 404  200  302
workspace:caseload              GET    -          200 200  200  200  200   200  200 200  200  302
workspace:caseload              POST   -          200 200  200  200  200   200  200 200  200  302
# --- pages: practice administration ----------------------------------------------------------------------
practice:people                 GET    own        404 404  403  403  404   404  403 200  403  302
practice:people                 GET    other      404 404  404  404  403   404  404 404  404  302
practice:people                 POST   own        404 404  403  403  404   404  403 302  403  302
practice:people                 POST   other      404 404  404  404  403   404  404 404  404  302
practice:withdraw_invitation    POST   own        404 404  403  403  404   404  403 302  403  302
practice:withdraw_invitation    POST   other      404 404  404  404  403   404  404 404  404  302
practice:person                 GET    own        404 404  403  403  404   404  403 200  403  302
practice:person                 GET    other      404 404  404  404  403   404  404 404  404  302
practice:person                 POST   own        404 404  403  403  404   404  403 302  403  302
practice:person                 POST   other      404 404  404  404  403   404  404 404  404  302
practice:new_client             GET    own        404 404  403  403  404   404  403 200  403  302
practice:new_client             GET    other      404 404  404  404  403   404  404 404  404  302
practice:new_client             POST   own        404 404  403  403  404   404  403 302  403  302
practice:new_client             POST   other      404 404  404  404  403   404  404 404  404  302
# --- pages: a client's record ----------------------------------------------------------------------------
workspace:client                GET    own        200 404  200  404  404   403  200 200  404  302
workspace:client                GET    other      404 200  404  200  404   404  200 200  404  302
workspace:client                GET    shared     200 404  200  404  404   403  200 200  404  302
care:client_edit                GET    own        200 404  200  404  404   403  403 403  404  302
care:client_edit                GET    other      404 200  404  200  404   404  403 403  404  302
care:client_edit                GET    shared     200 404  200  404  404   403  403 403  404  302
care:client_edit                POST   own        302 404  302  404  404   403  403 403  404  302
care:client_edit                POST   other      404 302  404  302  404   404  403 403  404  302
care:episode_open               POST   own        403 404  302  404  404   403  403 403  404  302
care:episode_open               POST   other      404 403  404  302  404   404  403 403  404  302
care:episode_close              POST   own        403 404  302  404  404   403  403 403  404  302
care:episode_close              POST   other      404 403  404  302  404   404  403 403  404  302
care:care_team                  GET    own        403 404  403  404  404   403  403 200  404  302
care:care_team                  GET    other      404 403  404  403  404   404  403 200  404  302
care:care_team                  GET    shared     403 404  403  404  404   403  403 200  404  302
care:care_team                  POST   own        403 404  403  404  404   403  403 302  404  302
care:care_team                  POST   other      404 403  404  403  404   404  403 302  404  302
care:care_team_remove           POST   own        403 404  403  404  404   403  403 302  404  302
care:care_team_remove           POST   other      404 403  404  403  404   404  403 302  404  302
care:invite_to_portal           POST   own        403 404  403  404  404   403  403 302  404  302
care:invite_to_portal           POST   other      404 403  404  403  404   404  403 302  404  302
# --- API: documents and the caller's own things ----------------------------------------------------------
api:openapi-json                GET    -          200 200  200  200  200   200  200 200  200  200
api:api-root                    GET    -          404 404  404  404  404   404  404 404  404  404
api:create_token                POST   -          200 200  200  200  200   200  200 200  200  200
api:me                          GET    -          200 200  200  200  200   200  200 200  200  401
api:list_tokens                 GET    -          200 200  200  200  200   200  200 200  200  401
api:revoke_token                DELETE own        204 204  204  204  204   204  204 204  204  401
api:revoke_token                DELETE other      404 404  404  404  404   404  404 404  404  401
api:list_clients                GET    -          200 200  200  200  200   200  200 200  200  401
# --- API: a client's record ------------------------------------------------------------------------------
api:get_client                  GET    own        200 404  200  404  404   403  200 200  404  401
api:get_client                  GET    other      404 200  404  200  404   404  200 200  404  401
api:get_client                  GET    shared     200 404  200  404  404   403  200 200  404  401
api:update_client               PATCH  own        200 404  200  404  404   403  403 403  404  401
api:update_client               PATCH  other      404 200  404  200  404   404  403 403  404  401
api:update_client               PATCH  shared     200 404  200  404  404   403  403 403  404  401
api:get_care_team               GET    own        200 404  200  404  404   403  200 200  404  401
api:get_care_team               GET    other      404 200  404  200  404   404  200 200  404  401
api:get_care_team               GET    shared     200 404  200  404  404   403  200 200  404  401
api:add_care_team_member        POST   own        403 404  403  404  404   403  403 201  404  401
api:add_care_team_member        POST   other      404 403  404  403  404   404  403 201  404  401
api:remove_care_team_member     DELETE own        403 404  403  404  404   403  403 204  404  401
api:remove_care_team_member     DELETE other      404 403  404  403  404   404  403 204  404  401
api:list_episodes               GET    own        200 404  200  404  404   403  200 200  404  401
api:list_episodes               GET    other      404 200  404  200  404   404  200 200  404  401
api:list_episodes               GET    shared     200 404  200  404  404   403  200 200  404  401
api:open_episode                POST   own        403 404  201  404  404   403  403 403  404  401
api:open_episode                POST   other      404 403  404  201  404   404  403 403  404  401
api:close_episode               POST   own        403 404  200  404  404   403  403 403  404  401
api:close_episode               POST   other      404 403  404  200  404   404  403 403  404  401
"""


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    target: str
    expected: dict[str, int]

    @property
    def id(self) -> str:
        return f"{self.endpoint}-{self.method}-{self.target}"


def parse(table: str) -> list[Row]:
    lines = [line for line in table.strip().splitlines() if line.strip() and not line.lstrip().startswith("#")]
    header, body = lines[0].split(), lines[1:]
    assert header[3:] == [*ACTORS[:-1], "anon"], header
    rows, seen = [], set()
    for line in body:
        endpoint, method, target, *cells = line.split()
        assert len(cells) == len(ACTORS), f"{line!r} needs one status per actor"
        key = (endpoint, method, target)
        assert key not in seen, f"{key} appears twice"
        seen.add(key)
        rows.append(Row(endpoint, method, target, dict(zip(ACTORS, map(int, cells), strict=True))))
    return rows


ROWS = parse(TABLE)


def _app_tables() -> list[Row]:
    """Each app's rows live beside their request builders in tests/authz_matrix_<app>.py."""
    import importlib
    from pathlib import Path

    rows: list[Row] = []
    for path in sorted(Path(__file__).parent.glob("authz_matrix_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        rows.extend(parse(module.TABLE))
    return rows


ROWS += _app_tables()


def endpoints() -> set[str]:
    return {row.endpoint for row in ROWS}


def format_row(row: Row, observed: dict[str, int]) -> str:
    """A table line with the observed statuses, to compare (and, after review, paste)."""
    cells = " ".join(
        f"{observed.get(actor, 0):>{max(len(actor), 3) if actor != 'anonymous' else 4}}" for actor in ACTORS
    )
    return f"{row.endpoint:<31} {row.method:<6} {row.target:<9} {cells}"
