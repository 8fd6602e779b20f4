"""`make secrets` against moto's SSM, then the settings read them back the way a function does."""

import boto3
import pytest
from moto import mock_aws

from chalicelib.core.settings import SECRET_NAMES, load
from infra.put_secrets import put_secrets


@pytest.fixture
def ssm():
    """Empty: inside the suite's session-wide moto, this mock_aws nests and resets nothing."""
    from tests.support.moto_state import delete_parameters

    with mock_aws():
        delete_parameters()
        yield boto3.client("ssm", region_name="eu-west-3")


def answers(**values):
    def ask(prompt):
        return values.get(prompt.split(" ")[0], "")
    return ask


def stored(ssm):
    pages = ssm.get_paginator("get_parameters_by_path").paginate(
        Path="/caaartoons/prod", WithDecryption=True)
    return {p["Name"].rsplit("/", 1)[-1]: p for page in pages for p in page["Parameters"]}


def test_creates_generated_keys_and_the_provider_keys_given(ssm):
    written = put_secrets(ssm, ask=answers(RESEND_API_KEY="re_123"), say=lambda _: None)
    assert set(written) == {"SESSION_KEYS", "HASH_KEY", "ORIGIN_SECRETS", "RESEND_API_KEY"}
    found = stored(ssm)
    assert {p["Type"] for p in found.values()} == {"SecureString"}
    assert len(found["SESSION_KEYS"]["Value"]) >= 32 and "," not in found["SESSION_KEYS"]["Value"]
    assert found["RESEND_API_KEY"]["Value"] == "re_123"
    assert "OPENAI_API_KEY" not in found  # skipped: no answer
    assert len(found["ORIGIN_SECRETS"]["Value"]) >= 32


def test_a_second_run_keeps_what_exists(ssm):
    put_secrets(ssm, ask=answers(RESEND_API_KEY="re_123"), say=lambda _: None)
    before = {k: p["Value"] for k, p in stored(ssm).items()}
    written = put_secrets(ssm, ask=answers(OPENAI_API_KEY="sk-1"), say=lambda _: None)
    assert written == ["OPENAI_API_KEY"]
    after = {k: p["Value"] for k, p in stored(ssm).items()}
    assert {k: after[k] for k in before} == before


def test_rotating_session_keys_keeps_the_previous_key_second(ssm):
    put_secrets(ssm, ask=answers(), say=lambda _: None)
    old = stored(ssm)["SESSION_KEYS"]["Value"]
    put_secrets(ssm, rotate=["SESSION_KEYS"], ask=answers(), say=lambda _: None)
    new, kept = stored(ssm)["SESSION_KEYS"]["Value"].split(",")
    assert kept == old and new != old


def test_rotating_the_origin_secret_keeps_the_previous_one_second(ssm):
    """CloudFront sends the first value; the API accepts both until the next rotation."""
    put_secrets(ssm, ask=answers(), say=lambda _: None)
    old = stored(ssm)["ORIGIN_SECRETS"]["Value"]
    put_secrets(ssm, rotate=["ORIGIN_SECRETS"], ask=answers(), say=lambda _: None)
    new, kept = stored(ssm)["ORIGIN_SECRETS"]["Value"].split(",")
    assert kept == old and new != old and len(new) >= 32
    put_secrets(ssm, rotate=["ORIGIN_SECRETS"], ask=answers(), say=lambda _: None)
    assert stored(ssm)["ORIGIN_SECRETS"]["Value"].split(",")[1] == new  # the oldest goes


def test_the_hash_key_is_never_rotated(ssm):
    with pytest.raises(SystemExit):
        put_secrets(ssm, rotate=["HASH_KEY"], ask=answers(), say=lambda _: None)


def test_prod_settings_load_the_secrets_from_ssm(ssm):
    put_secrets(ssm, ask=answers(RESEND_API_KEY="re_123", STRIPE_SECRET_KEY="sk_live_" + "s" * 40,
                                 STRIPE_WEBHOOK_SECRET="whsec_" + "w" * 32,
                                 OPENAI_API_KEY="sk-proj-x"), say=lambda _: None)
    settings = load({"STAGE": "prod", "AWS_REGION": "eu-west-3",
                     "SSM_PARAMETER_PREFIX": "/caaartoons/prod",
                     "SITE_URL": "https://caaartoons.example", "OPERATOR_NAME": "Operator",
                     "OPERATOR_EMAIL": "privacy@caaartoons.example"})
    assert settings.resend_api_key == "re_123"
    assert settings.stripe_secret_key.startswith("sk_live_")
    assert settings.hash_key == stored(ssm)["HASH_KEY"]["Value"]
    assert settings.origin_secrets == (stored(ssm)["ORIGIN_SECRETS"]["Value"],)
    assert set(SECRET_NAMES) >= {"SESSION_KEYS", "HASH_KEY", "RESEND_API_KEY"}
