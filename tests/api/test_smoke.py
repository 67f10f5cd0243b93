import json


def test_token_then_own_client_then_other_client_is_404(cast, client) -> None:
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": cast.dana.email, "password": "test-password-for-the-standing-cast"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    own = client.get(f"/api/v1/clients/{cast.client('dana').pk}", **auth)
    assert own.status_code == 200, own.content
    assert own.json()["referral_reason"].startswith("CANARY-")
    other = client.get(f"/api/v1/clients/{cast.client('eli').pk}", **auth)
    assert other.status_code == 404
    assert "CANARY" not in other.content.decode()
