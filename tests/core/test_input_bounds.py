"""The inputs a fuzzer once turned into 500s: each is now a 4xx JSON error at its root."""

import json

import pytest

from chalicelib.core import paging
from chalicelib.core.crypto import same
from chalicelib.core.errors import Invalid
from chalicelib.core.fields import Field, check_object
from chalicelib.core.models import Account, Cartoon, SignInLink
from devtools.cartoons import cartoon_body
from tests.support.cartoons import give


def assert_json_error(response, status, code):
    assert response.status == status, response
    assert response.headers["content-type"].startswith("application/json")
    assert response.json["error"]["code"] == code and response.json["error"]["message"]


@pytest.mark.parametrize("depth", [33, 1000, 30_000])
def test_json_nested_too_deep_is_a_400_signed_out_too(client, depth):
    raw = b"[" * depth + b"]" * depth
    assert_json_error(client.post("/api/auth/link", raw=raw), 400, "json_too_deep")
    nested = b'{"email": ' + b"[" * depth + b"]" * depth + b"}"
    assert_json_error(client.post("/api/auth/link", raw=nested), 400, "json_too_deep")
    assert SignInLink.count() == 0


def test_brackets_inside_strings_do_not_count_as_depth(client):
    response = client.post("/api/auth/link", {"email": "[{" * 100 + "@example.com"})
    assert_json_error(response, 400, "invalid_email")


def test_a_lone_surrogate_in_cartoon_text_is_a_400(signed_in):
    give(signed_in, 50)
    for lone in ("\\ud800", "\\udfff", "x\\udc80y", "\\ud83d"):  # as JSON escapes
        for field in ("title", "context"):
            raw = json.dumps(cartoon_body(**{field: "MARK"})).replace("MARK", lone)
            response = signed_in.post("/api/cartoons", raw=raw.encode())
            assert_json_error(response, 400, "invalid_unicode")
    assert Cartoon.count(signed_in.get("/api/me").json["account_id"]) == 0


def test_a_lone_surrogate_in_a_key_is_a_400(client):
    response = client.post("/api/auth/link", raw=b'{"\\ud800": 1}')
    assert_json_error(response, 400, "invalid_unicode")


def test_a_surrogate_pair_is_text(client):
    response = client.post("/api/auth/link", raw=b'{"email": "\\ud83d\\ude00@example.com"}')
    assert_json_error(response, 400, "invalid_email")  # refused by the address rules only


def test_an_integer_of_5000_digits_in_a_body_is_a_400(signed_in):
    raw = b'{"quality": "low", "scenes": ' + b"9" * 5000 + b"}"
    assert_json_error(signed_in.post("/api/cartoons/quote", raw=raw), 400, "invalid_json")


def test_a_non_ascii_confirmation_does_not_delete_and_is_a_400(signed_in):
    for typed in ("adá@example.com", "ада@example.com", "\u00e9", "ada@example.com\u200b"):
        response = signed_in.delete("/api/me", {"confirm": typed})
        assert_json_error(response, 400, "confirmation_mismatch")
    assert Account.count() == 1


def test_same_compares_any_text_in_constant_time():
    assert same("é", "é") and same("ada", "ada")
    assert not same("é", "e") and not same("ада", "ada") and not same("\ud800", "x")


@pytest.mark.parametrize("path", ["/api/credits", "/api/purchases", "/api/gallery"])
@pytest.mark.parametrize("limit", ["9" * 4301, "1" * 10_000])
def test_a_limit_of_thousands_of_digits_is_a_400(signed_in, path, limit):
    assert_json_error(signed_in.get(path, query={"limit": limit}), 400, "invalid_limit")


def test_lengths_apply_to_the_nfc_form_that_is_stored():
    spec = {"title": Field(str, max_length=120)}
    with pytest.raises(Invalid) as refused:
        check_object({"title": "\ufb2c" * 120}, spec)  # NFC makes each of these three
    assert refused.value.code == "too_long"
    decomposed = "e\u0301" * 100  # 200 characters, 100 once composed
    assert check_object({"title": decomposed}, spec) == {"title": "\u00e9" * 100}


def test_a_title_that_grows_past_its_limit_under_nfc_is_refused(signed_in):
    give(signed_in, 50)
    response = signed_in.post("/api/cartoons", cartoon_body(title="\ufb2c" * 120))
    assert_json_error(response, 400, "too_long")
    assert response.json["error"]["details"] == {"field": "title"}


def test_a_cursor_round_trips_and_a_forged_one_is_refused():
    item_id = "1700000000000#0123456789ab"
    cursor = paging.encode_cursor(item_id, "credits")
    assert paging.decode_cursor(cursor, "credits") == item_id
    encoded, mac = cursor.split(".")
    forged = [encoded,  # the old, unsigned form
              f"{encoded}.{'0' * 32}",
              f"{encoded}.{mac[:-1]}{'1' if mac[-1] != '1' else '2'}",
              paging.encode_cursor("1700000000000#ffffffffffff", "credits").split(".")[0]
              + f".{mac}"]
    for bad in forged:
        with pytest.raises(Invalid) as refused:
            paging.decode_cursor(bad, "credits")
        assert refused.value.code == "invalid_cursor"
    with pytest.raises(Invalid):  # a cursor of one list does not page another
        paging.decode_cursor(cursor, "purchases")


@pytest.mark.parametrize("path", ["/api/credits", "/api/purchases", "/api/gallery"])
def test_a_well_formed_but_unsigned_cursor_is_a_400_on_every_list(signed_in, path):
    item_id = "1700000000000#0123456789ab" if path != "/api/gallery" else "170000000000001234567"
    unsigned = paging.encode_cursor(item_id, "x").split(".")[0]
    assert_json_error(signed_in.get(path, query={"cursor": unsigned}), 400, "invalid_cursor")
    assert_json_error(signed_in.get(path, query={"cursor": f"{unsigned}.{'a' * 32}"}), 400,
                      "invalid_cursor")
