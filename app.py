"""Routes and event handlers only: parse input, call one service function, answer."""

from chalicelib import cleanup
from chalicelib.accounts import auth
from chalicelib.cartoons import cartoons, gallery
from chalicelib.core import logs, web
from chalicelib.core.settings import get_settings
from chalicelib.core.web import Field, ThreadSafeChalice, client_ip, json_response, read_json
from chalicelib.money import credits, payments
from chalicelib.rights import erasure, export, privacy
from chalicelib.worker import generation

settings = get_settings()
app = ThreadSafeChalice(app_name="caaartoons")
logs.configure(settings.log_level)

# Registered first runs outermost: errors and headers wrap the CSRF check and every route.
app.register_middleware(web.error_middleware, "http")
app.register_middleware(auth.csrf_middleware, "http")


@app.route("/api/auth/csrf", methods=["GET"])
def anonymous_csrf():
    return {"csrf_token": auth.anonymous_csrf_token()}


@app.route("/api/auth/link", methods=["POST"])
def request_link():
    body = read_json(app.current_request, {"email": Field(str, max_length=320)})
    auth.request_link(body["email"], client_ip(app.current_request))
    return json_response({"status": "sent", "message": (
        "If the address can receive mail, a sign-in link is on its way. "
        "It works once, within 15 minutes.")}, status=202)


@app.route("/api/auth/verify", methods=["POST"])
def verify_link():
    body = read_json(app.current_request, {"token": Field(str, max_length=128)})
    session = auth.verify_link(body["token"], client_ip(app.current_request))
    return json_response(auth.describe(session), headers={
        "Set-Cookie": auth.session_cookie(session)})


@app.route("/api/auth/logout", methods=["POST"])
def logout():
    auth.end_session(auth.current_session(app.current_request))
    return json_response({"status": "signed_out"}, headers={"Set-Cookie": auth.clear_cookie()})


@app.route("/api/auth/logout-all", methods=["POST"])
def logout_all():
    auth.end_all_sessions(auth.current_session(app.current_request))
    return json_response({"status": "signed_out_everywhere"},
                         headers={"Set-Cookie": auth.clear_cookie()})


@app.route("/api/me", methods=["GET"])
def me():
    return auth.describe(auth.current_session(app.current_request))


@app.route("/api/me/email", methods=["POST"])
def change_email():
    session = auth.current_session(app.current_request)
    body = read_json(app.current_request, {"email": Field(str, max_length=320)})
    auth.request_email_change(session, body["email"], client_ip(app.current_request))
    return json_response({"status": "sent", "message": (
        "Open the link we sent to the new address to confirm it.")}, status=202)


@app.route("/api/me/email/confirm", methods=["POST"])
def confirm_email():
    body = read_json(app.current_request, {"token": Field(str, max_length=128)})
    auth.confirm_email_change(body["token"], client_ip(app.current_request))
    return {"status": "changed"}


@app.route("/api/me", methods=["DELETE"])
def delete_account():
    session = auth.current_session(app.current_request)
    body = read_json(app.current_request, {"confirm": Field(str, max_length=320)})
    erasure.erase_now(session, body["confirm"])
    return json_response({"status": "deleted"}, headers={"Set-Cookie": auth.clear_cookie()})


@app.route("/api/me/export", methods=["POST"])
def request_export():
    answer = export.request_export(auth.current_session(app.current_request))
    return json_response(answer, status=202)


@app.route("/api/me/export", methods=["GET"])
def latest_export():
    return export.latest(auth.current_session(app.current_request))


@app.route("/api/me/exports/{export_id}", methods=["GET"])
def get_export(export_id):
    return export.view(auth.current_session(app.current_request), export_id)


@app.route("/api/privacy", methods=["GET"])
def privacy_policy():
    lang = (app.current_request.query_params or {}).get("lang", "en")
    return privacy.policy(lang)


# --- credits and buying them ----------------------------------------------------------------

@app.route("/api/packs", methods=["GET"])
def list_packs():
    return payments.list_packs()


@app.route("/api/credits", methods=["GET"])
def credit_statement():
    session = auth.current_session(app.current_request)
    query = app.current_request.query_params or {}
    return credits.statement(session.account_id, cursor=query.get("cursor"),
                             limit=query.get("limit"))


@app.route("/api/purchases", methods=["GET"])
def purchase_history():
    session = auth.current_session(app.current_request)
    query = app.current_request.query_params or {}
    return payments.purchase_history(session.account_id, cursor=query.get("cursor"),
                                     limit=query.get("limit"))


@app.route("/api/checkout", methods=["POST"])
def start_checkout():
    session = auth.current_session(app.current_request)
    body = read_json(app.current_request, {"pack": Field(str, max_length=40)})
    return json_response(payments.start_checkout(session.account, body["pack"]), status=201)


@app.route("/api/checkout/confirm", methods=["POST"])
def confirm_checkout():
    session = auth.current_session(app.current_request)
    body = read_json(app.current_request, {"session_id": Field(str, max_length=255)})
    return payments.confirm_checkout(session.account_id, body["session_id"])


@app.route("/api/stripe/webhook", methods=["POST"])
def stripe_webhook():
    # raw_body: the exact bytes Stripe signed (API Gateway passes a JSON body as UTF-8 text,
    # which Chalice encodes back to the same bytes).
    request = app.current_request
    return payments.handle_webhook(request.raw_body, request.headers.get("stripe-signature"))


@app.route("/api/local-checkout/{session_id}", methods=["GET"])
def local_checkout(session_id):
    session = auth.current_session(app.current_request)
    return payments.local_checkout_summary(session.account_id, session_id)


@app.route("/api/local-checkout/{session_id}/pay", methods=["POST"])
def local_checkout_pay(session_id):
    session = auth.current_session(app.current_request)
    return payments.local_checkout_pay(session.account_id, session_id)



# --- cartoons ---------------------------------------------------------------------------------

@app.route("/api/cartoons/options", methods=["GET"])
def cartoon_options():
    return cartoons.options()


@app.route("/api/cartoons/quote", methods=["POST"])
def cartoon_quote():
    session = auth.current_session(app.current_request)
    return cartoons.quote(session, read_json(app.current_request, cartoons.QUOTE_SPEC))


@app.route("/api/cartoons", methods=["POST"])
def create_cartoon():
    request = app.current_request
    session = auth.current_session(request)
    answer = cartoons.submit(session, read_json(request, cartoons.CARTOON_SPEC),
                             request.headers.get("idempotency-key"))
    return json_response(answer, status=202, headers={"Location": answer["url"]})


@app.route("/api/cartoons/{cartoon_id}", methods=["GET"])
def get_cartoon(cartoon_id):
    return cartoons.view(auth.current_session(app.current_request), cartoon_id)


@app.route("/api/cartoons/{cartoon_id}/scenes/{number}", methods=["PATCH"])
def edit_scene(cartoon_id, number):
    session = auth.current_session(app.current_request)
    body = read_json(app.current_request, cartoons.TEXT_EDIT_SPEC)
    return cartoons.edit_scene_text(session, cartoon_id, number, body)


@app.route("/api/cartoons/{cartoon_id}/scenes/{number}/redraw", methods=["POST"])
def redraw_scene(cartoon_id, number):
    session = auth.current_session(app.current_request)
    body = read_json(app.current_request, {}) if app.current_request.raw_body else {}
    return json_response(cartoons.redraw(session, cartoon_id, number, body), status=202)


@app.route("/api/cartoons/{cartoon_id}", methods=["DELETE"])
def delete_cartoon(cartoon_id):
    cartoons.delete(auth.current_session(app.current_request), cartoon_id)
    return {"status": "deleted"}


@app.route("/api/gallery", methods=["GET"])
def list_gallery():
    session = auth.current_session(app.current_request)
    query = app.current_request.query_params or {}
    return gallery.page(session.account_id, cursor=query.get("cursor"), limit=query.get("limit"))


@app.on_sqs_message(queue=settings.queue_name, name="generation_worker", batch_size=1,
                    maximum_concurrency=settings.worker_concurrency)
def generation_worker(event):
    generation.handle(event)


@app.schedule(f"rate({cleanup.EVERY_MINUTES} minutes)", name="cleanup")
def scheduled_cleanup(event):
    return cleanup.run()
