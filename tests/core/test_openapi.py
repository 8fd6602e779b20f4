"""GET /api/openapi.json: generated from the routes and the specs that check their requests."""

from chalicelib.accounts import links
from chalicelib.cartoons import specs


def test_the_document_lists_every_route_with_its_body_and_parameters(app, client):
    response = client.get("/api/openapi.json")
    assert response.status == 200 and response.headers["content-type"] == "application/json"
    doc = response.json
    assert doc["openapi"] == "3.1.0"
    listed = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    assert listed == {(method, path) for path, methods in app.routes.items()
                      for method in methods}

    link = doc["paths"]["/api/auth/link"]["post"]["requestBody"]["content"]
    assert link["application/json"]["schema"] == {
        "type": "object", "additionalProperties": False, "required": ["email"],
        "properties": {"email": {"type": "string", "maxLength": 320}}}
    cartoon = doc["paths"]["/api/cartoons"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert cartoon["properties"]["title"]["maxLength"] == specs.LIMITS["title"]
    scene = cartoon["properties"]["scenes"]["items"]
    assert set(scene["properties"]) == set(specs.SCENE_SPEC) and scene["required"] == ["action"]
    edit = doc["paths"]["/api/cartoons/{cartoon_id}/scenes/{number}"]["patch"]
    assert [p["name"] for p in edit["parameters"]] == ["cartoon_id", "number"]
    gallery = doc["paths"]["/api/gallery"]["get"]
    assert [(p["name"], p["in"]) for p in gallery["parameters"]] == [
        ("cursor", "query"), ("limit", "query")]
    assert "requestBody" not in doc["paths"]["/api/me"]["get"]


def test_each_route_reads_its_body_with_the_spec_it_declares(app, client):
    assert app.route_specs[("POST", "/api/auth/link")].body is links.EMAIL_SPEC
    response = client.post("/api/auth/link", {"email": "ada@example.com", "extra": 1})
    assert response.status == 400 and response.error_code == "unknown_field"
