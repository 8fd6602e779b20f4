"""GET /api/openapi.json: generated from the routes and the specs that check their requests."""

import json
import re

import pytest

from chalicelib.accounts import links
from chalicelib.cartoons import specs
from chalicelib.core.errors import Invalid


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
        "properties": {"email": {"type": "string", "maxLength": 320,
                                 "pattern": links.EMAIL_SHAPE}}}
    for address in ("ada@example.com", "A.B+c@mail.example.co.uk"):
        assert re.fullmatch(links.EMAIL_SHAPE, address) and links.normalise_email(address)
    verify = doc["paths"]["/api/auth/verify"]["post"]["requestBody"]["content"]
    token = verify["application/json"]["schema"]["properties"]["token"]
    assert re.fullmatch(token["pattern"], "a" * 43) and not re.fullmatch(token["pattern"], "a")
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


def test_a_body_that_may_be_left_out_is_declared_so(app, client):
    """A redraw (its note) and a share (its lifetime) may come without a body, read as {}
    (tests/cartoons/test_sharing.py shares without one): the document says the body is not
    required there, and is everywhere else a route declares one."""
    doc = client.get("/api/openapi.json").json
    optional = {(method, path) for (method, path), spec in app.route_specs.items()
                if spec.body and not spec.body_required}
    assert optional == {("POST", "/api/cartoons/{cartoon_id}/scenes/{number}/redraw"),
                        ("POST", "/api/cartoons/{cartoon_id}/cast/{index}/redraw"),
                        ("POST", "/api/cartoons/{cartoon_id}/share")}
    for (method, path), spec in app.route_specs.items():
        if spec.body:
            body = doc["paths"][path][method.lower()]["requestBody"]
            assert body["required"] is ((method, path) not in optional), (method, path)


def test_the_ranges_and_choices_the_services_enforce_are_declared(client):
    """What a service refuses with its own words is in the document too, so a client (and
    Schemathesis) can send what is accepted: a quote's counts, a draft's scenes, a share's
    lifetime, a pack on sale."""
    from chalicelib.cartoons import sharing
    from chalicelib.core import vocabulary
    from chalicelib.core.settings import get_settings

    doc = client.get("/api/openapi.json").json

    def body(path):
        return doc["paths"][path]["post"]["requestBody"]["content"]["application/json"][
            "schema"]["properties"]

    quote = body("/api/cartoons/quote")
    assert (quote["scenes"]["minimum"], quote["scenes"]["maximum"]) == (1, specs.MAX_SCENES)
    assert (quote["references"]["minimum"], quote["references"]["maximum"]) == (
        0, specs.MAX_CHARACTERS)
    assert body("/api/cartoons/draft")["scenes"]["maximum"] == vocabulary.MAX_DRAFT_SCENES
    days = body("/api/cartoons/{cartoon_id}/share")["expires_in_days"]
    assert (days["minimum"], days["maximum"]) == (1, sharing.MAX_DAYS)
    assert body("/api/checkout")["pack"]["enum"] == [
        pack.pack_id for pack in get_settings().credit_packs]


def test_every_answer_is_declared_exactly(app, client):
    """No bare {"type": "object"}: each route of app.py declares its success status and body,
    its errors ({"error": {"code", "message"}}) and what it needs (the session, the CSRF
    header); the share page is HTML and the preview a 302."""
    doc = client.get("/api/openapi.json").json
    assert set(doc["components"]["securitySchemes"]) == {"session", "csrf"}
    for (method, path), spec in app.route_specs.items():
        operation = doc["paths"][path][method.lower()]
        assert spec.answer is not None, (method, path)
        success = operation["responses"][str(spec.answer.status)]
        schema = (success.get("content") or {}).get("application/json", {}).get("schema")
        assert schema is None or schema.get("properties") or schema.get("required"), path
        assert "403" in operation["responses"] and "500" in operation["responses"]
    me = doc["paths"]["/api/me"]
    assert me["get"]["security"] == [{"session": []}]
    assert me["delete"]["security"] == [{"session": [], "csrf": []}]
    assert set(me["get"]["responses"]["200"]["content"]["application/json"]["schema"][
        "required"]) == {"account_id", "email", "balance", "created_at", "csrf_token"}
    assert doc["paths"]["/api/auth/link"]["post"]["security"] == [{"csrf": []}]
    assert doc["paths"]["/api/packs"]["get"]["security"] == []
    webhook = doc["paths"]["/api/stripe/webhook"]["post"]
    assert webhook["security"] == [] and [p["name"] for p in webhook["parameters"]] == [
        "Stripe-Signature"]
    submit = doc["paths"]["/api/cartoons"]["post"]
    assert [p["name"] for p in submit["parameters"]] == ["Idempotency-Key"]
    assert submit["responses"]["202"]["headers"]["Location"]["required"]
    page = doc["paths"]["/api/shared/{share_id}"]["get"]["responses"]
    assert set(page["200"]["content"]) == {"text/html"} and set(page["404"]["content"]) == {
        "text/html"}
    preview = doc["paths"]["/api/shared/{share_id}/preview"]["get"]["responses"]["302"]
    assert "content" not in preview and preview["headers"]["Location"]["required"]
    limited = doc["paths"]["/api/auth/link"]["post"]["responses"]["429"]
    assert limited["headers"]["Retry-After"]["required"]


def test_the_document_holds_the_constraints_the_api_enforces(client):
    from chalicelib.core import paging
    from chalicelib.core.settings import get_settings

    doc = client.get("/api/openapi.json").json
    quote = doc["paths"]["/api/cartoons/quote"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    assert quote["properties"]["quality"]["enum"] == list(get_settings().quality_credits)
    for path, maximum in (("/api/credits", paging.MAX_LIMIT), ("/api/gallery", 50)):
        limit = next(p["schema"] for p in doc["paths"][path]["get"]["parameters"]
                     if p["name"] == "limit")
        pattern = re.compile(limit["pattern"])
        for value in ("", "0", "1", "9", "10", "49", "50", "51", "99", "100", "101", "000050",
                      "0000050", "007", "a", "\uff11", "1.5", "-1"):
            declared = bool(pattern.search(value)) and len(value) <= limit["maxLength"]
            try:
                paging.read_limit(value, maximum=maximum)
                accepted = True
            except Invalid:
                accepted = False
            assert declared == accepted, (path, value)


def test_the_client_fails_a_response_the_document_does_not_declare(app):
    from tests.support.contract import ContractBroken, contract_of

    contract = contract_of(app)
    json_type = {"content-type": "application/json"}
    contract.check("GET", "/api/me", 200, json_type, json.dumps({
        "account_id": "a", "email": "a@example.com", "balance": 0,
        "created_at": "2026-01-01T00:00:00+00:00", "csrf_token": "t"}).encode())
    for status, headers, body in (
            (201, json_type, b"{}"),  # a status it does not declare
            (200, json_type, b'{"account_id": "a"}'),  # fields missing
            (200, {"content-type": "text/html"}, b"<p>"),  # not JSON
            (401, json_type, b'{"error": {"code": "not_signed_in"}}')):  # no message
        with pytest.raises(ContractBroken):
            contract.check("GET", "/api/me", status, headers, body)
