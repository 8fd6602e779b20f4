"""A client over Chalice's local API Gateway behind the imitation of CloudFront
(local/gateway.py): JSON in and out, a cookie jar, the CSRF header, and a viewer IP of the
caller's choosing (what CloudFront-Viewer-Address carries)."""

import json
import time
from pathlib import Path
from urllib.parse import urlencode

from local.gateway import Gateway


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {}
        self.header_list = headers
        for name, value in headers:
            self.headers[name.lower()] = value
        self.body = body

    @property
    def json(self):
        return json.loads(self.body or b"null")

    @property
    def error_code(self):
        return self.json["error"]["code"]

    def __repr__(self):
        return f"<Response {self.status} {self.body[:200]!r}>"


class ApiClient:
    # What checks every answer against the API's contract: the tests set it
    # (tests/support/contract.py, from tests/conftest.py); local/ and benchmarks/ leave it unset.
    contract_of = None

    def __init__(self, app, *, ip="198.51.100.7", origin="https://caaartoons.test"):
        self.gateway = Gateway(app)
        self.contract = ApiClient.contract_of(app) if ApiClient.contract_of else None
        self.ip = ip
        self.origin = origin
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, *, headers=None, query=None, raw=None,
                csrf=True, ip=None, through_cloudfront=True):
        sent = {"content-type": "application/json", "sec-fetch-site": "same-origin"}
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if csrf and method not in ("GET", "HEAD"):
            sent["x-csrf-token"] = self.csrf or self.anonymous_csrf()
        sent.update({k.lower(): v for k, v in (headers or {}).items()})
        sent = {k: v for k, v in sent.items() if v is not None}
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        if query:
            path = f"{path}?{urlencode(query)}"
        response = Response(*self.gateway.call(method, path, sent, payload, ip or self.ip,
                                               through_cloudfront=through_cloudfront))
        if self.contract:
            self.contract.check(method, path, response.status, response.headers, response.body)
        self._keep_cookies(response)
        return response

    def _keep_cookies(self, response):
        for name, value in response.header_list:
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if "Max-Age=0" in value:
                    self.cookies.pop(cookie_name, None)
                else:
                    self.cookies[cookie_name] = cookie_value

    def anonymous_csrf(self):
        return self.request("GET", "/api/auth/csrf").json["csrf_token"]

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path, body=None, **kwargs):
        return self.request("DELETE", path, body, **kwargs)

    # --- sign-in through the real flow: request a link, read the outbox, confirm it ---

    def request_link(self, email, **kwargs):
        return self.post("/api/auth/link", {"email": email}, **kwargs)

    def sign_in(self, email, ip=None):
        response = self.request_link(email, ip=ip)
        assert response.status == 202, response
        token = latest_token(email)
        response = self.post("/api/auth/verify", {"token": token}, ip=ip)
        assert response.status == 200, response
        self.csrf = response.json["csrf_token"]
        return response.json


def outbox_mails(to=None):
    import os

    folder = Path(os.environ["OUTBOX_DIR"])
    mails = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    return [m for m in mails if to is None or m["to"] == to]


def latest_token(email, wait=0):
    from chalicelib.accounts.links import normalise_email

    email = normalise_email(email)
    deadline = time.time() + wait
    while True:
        mails = outbox_mails(email)
        if mails or time.time() >= deadline:
            break
        time.sleep(0.05)
    assert mails, f"no mail for {email}"
    return mails[-1]["link"].split("#token=", 1)[1]
