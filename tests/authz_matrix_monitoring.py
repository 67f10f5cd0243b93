"""Authorisation rows and requests for monitoring (issue 5): schedules, alerts and progress.

Targets: own = dana's record (an alert, schedule, session or portal questionnaire of hers); other = eli's;
shared = dana's record while she shares the "referral" category with frank (monitoring is not shareable, so
shared cells equal own).

Cells worth a second look:
  * monitoring:alerts and api:list_alerts answer 403 to everyone who is neither a clinician nor a supervisor
    (clients, partners, admins, researchers), and 200 with an empty list to a clinician of another practice.
  * a client gets 403 on alerts about themselves: the alert is for the care team; the client saw the crisis
    resources at the moment of the answer.
  * a supervisor reads alerts and scores (but does not download the scores file: measures.export is the care
    team's) and cannot acknowledge, resolve, schedule or read
    item-level answers (monitoring:compare).
  * monitoring:support and monitoring:postpone are the client's own: a care-team clinician gets 403 (the
    questionnaire is answered in the portal), as on the questionnaire pages.
  * api:list_results answers the client too, with only the instruments their clinician chose to show them.
"""

from __future__ import annotations

from django.utils import timezone

from attune.monitoring.models import Alert, Schedule, SessionRecord
from attune.questionnaires.models import Answer, Response
from tests.authz_requests import Ctx, Req, api_path, builds, page

TABLE = """
endpoint                        method target    dana eli alice bob carol frank sam ada rita anon
# --- monitoring: pages ------------------------------------------------------------------------------------
monitoring:alerts               GET    -          403 403  200  200  200   403  200 403  403  302
monitoring:alert                GET    own        403 404  200  404  404   403  200 403  404  302
monitoring:alert                GET    other      404 403  404  200  404   404  200 403  404  302
monitoring:alert_acknowledge    POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:alert_acknowledge    POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:alert_resolve        POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:alert_resolve        POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:alert_contact        POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:alert_contact        POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:schedule_create      POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:schedule_create      POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:schedule_end         POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:schedule_end         POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:session_add          POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:session_add          POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:session_remove       POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:session_remove       POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:visibility           POST   own        403 404  302  404  404   403  403 403  404  302
monitoring:visibility           POST   other      404 403  404  302  404   404  403 403  404  302
monitoring:export_csv           GET    own        403 404  200  404  404   403  403 403  404  302
monitoring:export_csv           GET    other      404 403  404  200  404   404  403 403  404  302
monitoring:export_csv           GET    shared     403 404  200  404  404   403  403 403  404  302
monitoring:progress             GET    own        403 404  200  404  404   403  200 403  404  302
monitoring:progress             GET    other      404 403  404  200  404   404  200 403  404  302
monitoring:progress             GET    shared     403 404  200  404  404   403  200 403  404  302
monitoring:compare              GET    own        403 404  200  404  404   403  403 403  404  302
monitoring:compare              GET    other      404 403  404  200  404   404  403 403  404  302
monitoring:compare              GET    shared     403 404  200  404  404   403  403 403  404  302
monitoring:support              GET    own        200 404  403  404  404   403  403 403  404  302
monitoring:support              GET    other      404 200  404  403  404   404  403 403  404  302
monitoring:support_seen         POST   own        302 404  403  404  404   403  403 403  404  302
monitoring:support_seen         POST   other      404 302  404  403  404   404  403 403  404  302
monitoring:postpone             POST   own        302 404  403  404  404   403  403 403  404  302
monitoring:postpone             POST   other      404 302  404  403  404   404  403 403  404  302
monitoring:my_results           GET    -          200 200  404  404  404   404  404 404  404  302
# --- monitoring: API --------------------------------------------------------------------------------------
api:list_schedules              GET    own        403 404  200  404  404   403  200 403  404  401
api:list_schedules              GET    other      404 403  404  200  404   404  200 403  404  401
api:list_schedules              GET    shared     403 404  200  404  404   403  200 403  404  401
api:create_schedule             POST   own        403 404  201  404  404   403  403 403  404  401
api:create_schedule             POST   other      404 403  404  201  404   404  403 403  404  401
api:end_schedule                DELETE own        403 404  204  404  404   403  403 403  404  401
api:end_schedule                DELETE other      404 403  404  204  404   404  403 403  404  401
api:list_alerts                 GET    -          403 403  200  200  200   403  200 403  403  401
api:acknowledge_alert           POST   own        403 404  200  404  404   403  403 403  404  401
api:acknowledge_alert           POST   other      404 403  404  200  404   404  403 403  404  401
api:resolve_alert               POST   own        403 404  200  404  404   403  403 403  404  401
api:resolve_alert               POST   other      404 403  404  200  404   404  403 403  404  401
api:list_results                GET    own        200 404  200  404  404   403  200 403  404  401
api:list_results                GET    other      404 200  404  200  404   404  200 403  404  401
api:list_results                GET    shared     200 404  200  404  404   403  200 403  404  401
"""


def _completed(c: Ctx, code: str = "pcl5", total: float = 30) -> Response:
    response = Response.objects.create(
        client=c.client, instrument=code, status="completed", submitted=timezone.now(), total=total, scored=True
    )
    Answer.objects.bulk_create(
        [Answer(response=response, client=c.client, link_id=f"{code}-{n}", value=1) for n in range(1, 21)]
    )
    return response


def _alert(c: Ctx) -> Alert:
    response = _completed(c, "phq9", 12)
    return Alert.objects.create(client=c.client, response=response, kind="critical", item="phq9-9", instrument="phq9")


def _schedule(c: Ctx) -> Schedule:
    return Schedule.objects.create(client=c.client, instrument="phq9", kind="weeks", every=1)


def _session(c: Ctx) -> SessionRecord:
    return SessionRecord.objects.create(client=c.client, date=timezone.localdate())


def _portal_response(c: Ctx) -> Response:
    return Response.objects.create(client=c.client, instrument="phq9")


def _progress(c: Ctx) -> Req:
    _completed(c)
    return Req("GET", page("monitoring:progress", c.client.pk, "pcl5"))


def _compare(c: Ctx) -> Req:
    _completed(c, total=40)
    _completed(c, total=30)
    return Req("GET", page("monitoring:compare", c.client.pk, "pcl5"))


builds("monitoring:alerts", "GET")(lambda c: Req("GET", page("monitoring:alerts")))
builds("monitoring:alert", "GET")(lambda c: Req("GET", page("monitoring:alert", _alert(c).pk)))
builds("monitoring:alert_acknowledge", "POST")(
    lambda c: Req("POST", page("monitoring:alert_acknowledge", _alert(c).pk), form={"note": "Called, safe for now."})
)
builds("monitoring:alert_resolve", "POST")(
    lambda c: Req("POST", page("monitoring:alert_resolve", _alert(c).pk), form={"note": ""})
)
builds("monitoring:alert_contact", "POST")(
    lambda c: Req("POST", page("monitoring:alert_contact", _alert(c).pk), form={"outcome": "reached", "note": "Safe."})
)
builds("monitoring:schedule_create", "POST")(
    lambda c: Req(
        "POST",
        page("monitoring:schedule_create", c.client.pk),
        form={"instrument": "phq9", "kind": "weeks", "every": 1},
    )
)
builds("monitoring:schedule_end", "POST")(
    lambda c: Req("POST", page("monitoring:schedule_end", c.client.pk, _schedule(c).pk), form={})
)
builds("monitoring:session_add", "POST")(
    lambda c: Req("POST", page("monitoring:session_add", c.client.pk), form={"date": c.today})
)
builds("monitoring:session_remove", "POST")(
    lambda c: Req("POST", page("monitoring:session_remove", c.client.pk, _session(c).pk), form={})
)
builds("monitoring:visibility", "POST")(
    lambda c: Req("POST", page("monitoring:visibility", c.client.pk), form={"instrument": "pcl5", "visible": "1"})
)
builds("monitoring:export_csv", "GET")(lambda c: Req("GET", page("monitoring:export_csv", c.client.pk)))
builds("monitoring:progress", "GET")(_progress)
builds("monitoring:compare", "GET")(_compare)
builds("monitoring:support", "GET")(lambda c: Req("GET", page("monitoring:support", _portal_response(c).pk)))
builds("monitoring:support_seen", "POST")(
    lambda c: Req("POST", page("monitoring:support_seen", _portal_response(c).pk), form={"then": "home"})
)
builds("monitoring:postpone", "POST")(
    lambda c: Req("POST", page("monitoring:postpone", _portal_response(c).pk), form={"days": "3"})
)
builds("monitoring:my_results", "GET")(lambda c: Req("GET", page("monitoring:my_results")))
builds("api:list_schedules", "GET")(lambda c: Req("GET", api_path("list_schedules", c.client.pk)))
builds("api:create_schedule", "POST")(
    lambda c: Req("POST", api_path("create_schedule", c.client.pk), body={"instrument": "phq9", "kind": "weeks"})
)
builds("api:end_schedule", "DELETE")(lambda c: Req("DELETE", api_path("end_schedule", c.client.pk, _schedule(c).pk)))
builds("api:list_alerts", "GET")(lambda c: Req("GET", api_path("list_alerts")))
builds("api:acknowledge_alert", "POST")(
    lambda c: Req("POST", api_path("acknowledge_alert", _alert(c).pk), body={"note": "Called."})
)
builds("api:resolve_alert", "POST")(lambda c: Req("POST", api_path("resolve_alert", _alert(c).pk), body={}))
builds("api:list_results", "GET")(lambda c: Req("GET", api_path("list_results", c.client.pk)))
