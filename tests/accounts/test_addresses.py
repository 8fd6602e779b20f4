import pytest

from chalicelib.accounts.links import normalise_email
from chalicelib.core.errors import Invalid


@pytest.mark.parametrize("raw, expected", [
    ("ada@example.com", "ada@example.com"),
    ("Ada.Lovelace@EXAMPLE.Com", "Ada.Lovelace@example.com"),
    ("  ada+cartoons@mail.example.org ", "ada+cartoons@mail.example.org"),
    ("o_brien@sub-domain.example.fr", "o_brien@sub-domain.example.fr"),
])
def test_valid_addresses_are_normalised(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", [
    "", "ada", "ada@", "@example.com", "ada@@example.com", "ada@b@example.com",
    '"ada"@example.com', "ada,bob@example.com", "ada@example.com,bob@example.com",
    "ada lovelace@example.com", "ada@example", "ada@-example.com", "ada@example..com",
    ".ada@example.com", "ada.@example.com", "a..da@example.com", "ada@example.com.",
    "ada@exa_mple.com", "ada'o@example.com", "x" * 65 + "@example.com",
    "ada@" + "a" * 250 + ".com", "ada@example.c0m", "ada\n@example.com", None, 42,
])
def test_malformed_addresses_are_refused(raw):
    with pytest.raises(Invalid) as raised:
        normalise_email(raw)
    assert raised.value.code == "invalid_email"


def test_the_route_answers_400_for_a_malformed_address(client):
    response = client.request_link("ada@@example.com")
    assert response.status == 400
    assert response.error_code == "invalid_email"
