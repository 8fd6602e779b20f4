"""Makes moto's S3 hold a browser-based upload (a presigned POST) to its policy, as S3 does.

moto 5.2 stores whatever a POST form carries: it reads neither the policy nor its signature.
S3 refuses a form whose policy expired, whose fields break a condition (`eq`, `starts-with`,
an exact match), that carries a field no condition covers, or whose file is outside the
`content-length-range` (EntityTooLarge / EntityTooSmall). The stand-in checks the same rules,
and the SigV4 signature of the policy with the local secret key, before moto stores the file;
it keeps the form's Content-Type on the object, as S3 does. Installed by the tests and by
`make run`, like moto_atomic.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os

IGNORED = {"policy", "x-amz-signature", "file"}  # fields no condition needs to cover


def _error(status, code, message):
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error>")
    return status, {"Content-Type": "application/xml"}, body


def _signature(secret, credential, policy):
    _, date, region, service, _ = credential.split("/", 4)
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


def _condition_failed(condition):
    return _error(403, "AccessDenied",
                  f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}")


def refusal(form, bucket, size, now=None):
    """S3's answer to a POST form it refuses (status, headers, XML), or None to store it."""
    fields = {name.lower(): value for name, value in form.items()}
    policy = fields.get("policy")
    if not policy:
        return None  # an unsigned, policy-free form: what moto's own tests send
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
    expected = _signature(secret, fields.get("x-amz-credential", "////"), policy)
    if not hmac.compare_digest(expected, fields.get("x-amz-signature", "")):
        return _error(403, "SignatureDoesNotMatch", "The request signature we calculated does "
                      "not match the signature you provided.")
    document = json.loads(base64.b64decode(policy))
    now = now or datetime.datetime.now(datetime.UTC)
    expires = datetime.datetime.fromisoformat(document["expiration"].replace("Z", "+00:00"))
    if expires <= now:
        return _error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    values = {**fields, "bucket": bucket}
    covered = set()
    for condition in document.get("conditions", []):
        if isinstance(condition, dict):
            (name, value), = condition.items()
            condition = ["eq", f"${name}", value]
        operator, *rest = condition
        if operator == "content-length-range":
            low, high = rest
            if size > high:
                return _error(400, "EntityTooLarge", "Your proposed upload exceeds the "
                              "maximum allowed size")
            if size < low:
                return _error(400, "EntityTooSmall", "Your proposed upload is smaller than "
                              "the minimum allowed size")
            continue
        name, value = rest[0].lstrip("$").lower(), rest[1]
        covered.add(name)
        sent = values.get(name, "")
        if (operator == "eq" and sent != value) or \
                (operator == "starts-with" and not sent.startswith(value)):
            return _condition_failed(condition)
    extra = [name for name in fields if name not in covered | IGNORED and
             not name.startswith("x-ignore-")]
    if extra:
        return _error(403, "AccessDenied", "Invalid according to Policy: Extra input fields: "
                      f"{extra[0]}")
    return None


def install():
    from moto.s3.responses import S3Response

    original = S3Response._bucket_response_post
    if getattr(original, "_policed", False):
        return

    def post(self, request, bucket_name):
        form = getattr(self, "form_data", None) or {}
        if "key" in form and not self.is_delete_keys():
            body = self.body.encode() if isinstance(self.body, str) else self.body or b""
            refused = refusal(dict(form.items()), bucket_name, len(body))
            if refused:
                return refused
            answer = original(self, request, bucket_name)
            if form.get("Content-Type"):  # S3 keeps the form's type on the object
                key = self.backend.get_object(bucket_name, self.querystring["key"][0])
                key.content_type = form["Content-Type"]
            return answer
        return original(self, request, bucket_name)

    post._policed = True
    S3Response._bucket_response_post = post
