import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from attune.questionnaires.models import Response

pytestmark = pytest.mark.django_db


def _api(client: Client, method: str, url: str, payload: dict | None = None):
    return getattr(client, method)(
        url, json.dumps(payload) if payload is not None else None, content_type="application/json"
    )


def test_instruments_are_listed_with_their_notice(cast, api_for) -> None:
    body = api_for(cast.dana).get("/api/v1/instruments").json()
    codes = {i["code"] for i in body}
    assert {"phq9", "gad7", "pcl5", "pcptsd5"} <= codes
    pcl5 = next(i for i in body if i["code"] == "pcl5")
    assert pcl5["sensitive"] and pcl5["administrable"] and len(pcl5["items"]) == 20


def test_client_answers_and_submits_through_the_api(cast, api_for) -> None:
    dana = api_for(cast.dana)
    rid = str(uuid.uuid4())
    url = f"/api/v1/clients/{cast.client('dana').pk}/responses"
    started = _api(dana, "post", url, {"instrument": "gad7", "id": rid})
    assert started.status_code == 201, started.content
    again = _api(dana, "post", url, {"instrument": "gad7", "id": rid})
    assert again.status_code == 201 and Response.objects.filter(pk=rid).count() == 1
    for n in range(1, 8):
        body = {"skipped": True} if n == 3 else {"value": 2}
        saved = _api(dana, "put", f"/api/v1/responses/{rid}/answers/gad7-{n}", body)
        assert saved.status_code == 200, saved.content
    bad = _api(dana, "put", f"/api/v1/responses/{rid}/answers/gad7-1", {"value": 7})
    assert bad.status_code == 422 and "value" in bad.json()["errors"][0]["field"]
    key = str(uuid.uuid4())
    done = _api(dana, "post", f"/api/v1/responses/{rid}/submit", {"submission_id": key})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["score"] is None  # the client sees her answers; scores are for the care team for now
    same = _api(dana, "post", f"/api/v1/responses/{rid}/submit", {"submission_id": key})
    assert same.status_code == 200 and same.json()["submitted"] == done.json()["submitted"]
    other = _api(dana, "post", f"/api/v1/responses/{rid}/submit", {"submission_id": str(uuid.uuid4())})
    assert other.status_code == 422
    scores = api_for(cast.alice).get(f"/api/v1/clients/{cast.client('dana').pk}/scores").json()
    assert scores[0]["score"]["total"] == 14 and scores[0]["score"]["missing_rule"] == "prorated: 1 item skipped"


def test_outsiders_get_404_and_the_wrong_insider_403(cast, api_for) -> None:
    rid = str(uuid.uuid4())
    _api(
        api_for(cast.dana),
        "post",
        f"/api/v1/clients/{cast.client('dana').pk}/responses",
        {"instrument": "gad7", "id": rid},
    )
    assert api_for(cast.eli).get(f"/api/v1/responses/{rid}").status_code == 404
    assert api_for(cast.carol).get(f"/api/v1/responses/{rid}").status_code == 404
    assert api_for(cast.frank).get(f"/api/v1/responses/{rid}").status_code == 403
    assert api_for(cast.ada).get(f"/api/v1/clients/{cast.client('dana').pk}/scores").status_code == 403
    assert Client().get(f"/api/v1/responses/{rid}").status_code == 401
    assert _api(api_for(cast.alice), "put", f"/api/v1/responses/{rid}/answers/gad7-1", {"value": 1}).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_duplicate_starts_and_submits_make_one_row(cast, api_for) -> None:
    rid, key = str(uuid.uuid4()), str(uuid.uuid4())
    url = f"/api/v1/clients/{cast.client('dana').pk}/responses"
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def start() -> None:
        browser = api_for(cast.dana)
        barrier.wait()
        statuses.append(_api(browser, "post", url, {"instrument": "gad7", "id": rid}).status_code)
        connection.close()

    threads = [threading.Thread(target=start) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201] * 20
    assert Response.objects.filter(pk=rid).count() == 1

    submits: list[int] = []
    barrier = threading.Barrier(20)

    def submit() -> None:
        browser = api_for(cast.dana)
        barrier.wait()
        submits.append(_api(browser, "post", f"/api/v1/responses/{rid}/submit", {"submission_id": key}).status_code)
        connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert submits == [200] * 20
    assert Response.objects.filter(submission_key=key).count() == 1
