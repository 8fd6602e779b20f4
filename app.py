"""Routes and event handlers only: parse input, call one service function, answer.

Each route reads the signed-in session in one call (`signed_in()`), passes that `Session` to
its service, and lets domain errors through: core/web.py maps them to statuses and codes.
"""

# boto3 is imported first, at the top of the stack. Reached deep inside our own imports, its
# import's recursive work (the regex compiler) crossed a 16 KB frame-stack chunk of Python 3.11
# again and again, mapping and unmapping the chunk each time: 1,300 mmap/munmap pairs and 1,500
# page faults, about 10 ms of every cold start (benchmarks/cold_start.py counts the faults).
import boto3  # noqa: F401
from chalice import Response

from chalicelib import cleanup
from chalicelib.accounts import cookies, csrf, links, sessions
from chalicelib.accounts.csrf import anonymous_token
from chalicelib.cartoons import (
    cast,
    changes,
    drafting,
    gallery,
    library,
    library_edits,
    sharing,
    specs,
    submission,
    uploads,
    view,
)
from chalicelib.core import logs, openapi, paging, share_page, web
from chalicelib.core.errors import NotFound, RateLimited
from chalicelib.core.settings import CLEANUP_EVERY_MINUTES, get_settings
from chalicelib.core.web import ThreadSafeChalice, client_ip, json_response
from chalicelib.money import checkout, credits, purchases, webhook
from chalicelib.rights import erasure, export, privacy

settings = get_settings()
app = ThreadSafeChalice(app_name="caaartoons")
logs.configure(settings.log_level)

# Registered first runs outermost: errors and headers wrap the rest; then only CloudFront gets
# in (the origin secret); a method the path has no route for is a 405; then the CSRF check
# and every route.
app.register_middleware(web.error_middleware, "http")
app.register_middleware(web.origin_middleware, "http")
app.register_middleware(app.method_middleware, "http")
app.register_middleware(cookies.csrf_middleware, "http")


def signed_in():
    return cookies.current_session(app.current_request)


def query():
    return app.current_request.query_params or {}


@app.route("/api/auth/csrf", methods=["GET"], answer=csrf.ANONYMOUS)
def anonymous_csrf():
    return {"csrf_token": anonymous_token()}


@app.route("/api/auth/link", methods=["POST"], body=links.EMAIL_SPEC, answer=links.LINK_SENT)
def request_link():
    body = app.read_body()
    request = app.current_request
    links.request_link(body["email"], client_ip(request), lang=web.preferred_language(request))
    return json_response({"status": "sent", "message": (
        "If the address can receive mail, a sign-in link is on its way. "
        "It works once, within 15 minutes.")}, status=202)


@app.route("/api/auth/verify", methods=["POST"], body=links.TOKEN_SPEC, answer=links.VERIFIED)
def verify_link():
    body = app.read_body()
    session = links.verify_link(body["token"], client_ip(app.current_request))
    return json_response(sessions.describe(session), headers={
        "Set-Cookie": cookies.session_cookie(session)})


@app.route("/api/auth/logout", methods=["POST"], answer=sessions.SIGNED_OUT)
def logout():
    sessions.end(signed_in())
    return json_response({"status": "signed_out"}, headers={"Set-Cookie": cookies.clear_cookie()})


@app.route("/api/auth/logout-all", methods=["POST"], answer=sessions.SIGNED_OUT)
def logout_all():
    sessions.end_everywhere(signed_in())
    return json_response({"status": "signed_out_everywhere"},
                         headers={"Set-Cookie": cookies.clear_cookie()})


@app.route("/api/me", methods=["GET"], answer=sessions.ME_ANSWER)
def me():
    return sessions.describe(signed_in())


@app.route("/api/me/email", methods=["POST"], body=links.EMAIL_SPEC, answer=links.EMAIL_CHANGE_SENT)
def change_email():
    session = signed_in()
    body = app.read_body()
    request = app.current_request
    links.request_email_change(session, body["email"], client_ip(request),
                               lang=web.preferred_language(request))
    return json_response({"status": "sent", "message": (
        "Open the link we sent to the new address to confirm it.")}, status=202)


@app.route("/api/me/email/confirm", methods=["POST"], body=links.TOKEN_SPEC,
           answer=links.EMAIL_CHANGED)
def confirm_email():
    body = app.read_body()
    links.confirm_email_change(body["token"], client_ip(app.current_request),
                               confirming=cookies.cookie_ids(app.current_request))
    return {"status": "changed"}


@app.route("/api/me", methods=["DELETE"], body=erasure.CONFIRM_SPEC, answer=erasure.DELETED)
def delete_account():
    session = signed_in()
    body = app.read_body()
    erasure.erase_now(session, body["confirm"])
    return json_response({"status": "deleted"}, headers={"Set-Cookie": cookies.clear_cookie()})


@app.route("/api/me/export", methods=["POST"], answer=export.STARTED)
def request_export():
    return json_response(export.request_export(signed_in()), status=202)


@app.route("/api/me/export", methods=["GET"], answer=export.LATEST)
def latest_export():
    return export.latest(signed_in())


@app.route("/api/me/exports/{export_id}", methods=["GET"], answer=export.VIEWED)
def get_export(export_id):
    return export.view(signed_in(), export_id)


@app.route("/api/openapi.json", methods=["GET"], answer=openapi.ANSWER)
def openapi_document():
    return openapi.document(app, security=(cookies.security_schemes(),
                                           cookies.security_requirements))


@app.route("/api/privacy", methods=["GET"], query=privacy.QUERY,
           answer=privacy.POLICY)
def privacy_policy():
    return privacy.policy(query().get("lang", "en"))


# --- credits and buying them ----------------------------------------------------------------

@app.route("/api/packs", methods=["GET"], answer=checkout.PACKS)
def list_packs():
    return checkout.list_packs()


@app.route("/api/credits", methods=["GET"], query=paging.query(),
           answer=credits.STATEMENT)
def credit_statement():
    session = signed_in()
    return credits.statement(session, cursor=query().get("cursor"), limit=query().get("limit"))


@app.route("/api/purchases", methods=["GET"], query=paging.query(),
           answer=purchases.HISTORY)
def purchase_history():
    session = signed_in()
    return purchases.purchase_history(session, cursor=query().get("cursor"),
                                      limit=query().get("limit"))


@app.route("/api/checkout", methods=["POST"], body=checkout.CHECKOUT_SPEC, answer=checkout.STARTED)
def start_checkout():
    session = signed_in()
    body = app.read_body()
    return json_response(checkout.start_checkout(session, body["pack"]), status=201)


@app.route("/api/checkout/confirm", methods=["POST"], body=checkout.CONFIRM_SPEC,
           answer=checkout.CONFIRMED)
def confirm_checkout():
    session = signed_in()
    body = app.read_body()
    return checkout.confirm_checkout(session, body["session_id"])


@app.route("/api/stripe/webhook", methods=["POST"],
           answer=webhook.RECEIVED,
           headers=(webhook.SIGNATURE,))
def stripe_webhook():
    # raw_body: the exact bytes Stripe signed (API Gateway passes a JSON body as UTF-8 text,
    # which Chalice encodes back to the same bytes).
    request = app.current_request
    return webhook.handle_webhook(request.raw_body, request.headers.get("stripe-signature"))


# --- cartoons ---------------------------------------------------------------------------------

@app.route("/api/cartoons/options", methods=["GET"], answer=submission.OPTIONS)
def cartoon_options():
    return submission.options()


@app.route("/api/cartoons/quote", methods=["POST"], body=specs.QUOTE_SPEC, answer=submission.QUOTED)
def cartoon_quote():
    session = signed_in()
    return submission.quote(session, app.read_body())


@app.route("/api/cartoons/lettering-check", methods=["POST"], body=specs.LETTERING_CHECK_SPEC,
           answer=specs.LETTERING_CHECKED)
def lettering_check():
    """Which texts would not fit their panels, by field: free, nothing stored."""
    return specs.check_draft_lettering(signed_in(), app.read_body())


@app.route("/api/cartoons/draft", methods=["POST"], body=drafting.DRAFT_REQUEST_SPEC,
           answer=drafting.DRAFTED)
def draft_cartoon():
    """Draft a whole cartoon from an idea, for the person to edit before submitting it."""
    session = signed_in()
    return drafting.draft(session, app.read_body(), client_ip(app.current_request))


@app.route("/api/cartoons", methods=["POST"], body=specs.CARTOON_SPEC,
           answer=submission.SUBMITTED,
           headers=(submission.IDEMPOTENCY_HEADER,))
def create_cartoon():
    session = signed_in()
    request = app.current_request
    answer = submission.submit(session, app.read_body(),
                               request.headers.get("idempotency-key"))
    return json_response(answer, status=202, headers={"Location": answer["url"]})


@app.route("/api/cartoons/{cartoon_id}", methods=["GET"], answer=view.ANSWER)
def get_cartoon(cartoon_id):
    return view.view(signed_in(), cartoon_id)


@app.route("/api/cartoons/{cartoon_id}/scenes/{number}", methods=["PATCH"],
           body=specs.TEXT_EDIT_SPEC,
           answer=changes.EDITED)
def edit_scene(cartoon_id, number):
    session = signed_in()
    body = app.read_body()
    return changes.edit_scene_text(session, cartoon_id, number, body)


@app.route("/api/cartoons/{cartoon_id}/scenes/{number}/redraw", methods=["POST"],
           body=changes.REDRAW_SPEC, body_required=False,
           answer=changes.REDRAWING)
def redraw_scene(cartoon_id, number):
    session = signed_in()
    body = app.read_body()
    return json_response(changes.redraw(session, cartoon_id, number, body), status=202)


@app.route("/api/cartoons/{cartoon_id}/scenes/{number}/version", methods=["POST"],
           body=changes.VERSION_SPEC,
           answer=changes.CHOSEN)
def choose_scene_version(cartoon_id, number):
    session = signed_in()
    body = app.read_body()
    return changes.choose_version(session, cartoon_id, number, body)


@app.route("/api/cartoons/{cartoon_id}", methods=["DELETE"], answer=changes.DELETED)
def delete_cartoon(cartoon_id):
    changes.delete(signed_in(), cartoon_id)
    return {"status": "deleted"}


@app.route("/api/cartoons/{cartoon_id}/share", methods=["POST"], body=sharing.SHARE_SPEC,
           body_required=False, answer=sharing.SHARED)
def share_cartoon(cartoon_id):
    session = signed_in()
    body = app.read_body()
    return json_response({"share": sharing.create(session, cartoon_id, body)}, status=201)


@app.route("/api/cartoons/{cartoon_id}/share", methods=["DELETE"], answer=sharing.STOPPED)
def stop_sharing(cartoon_id):
    return sharing.revoke(signed_in(), cartoon_id)


@app.route("/api/shared/{share_id}", methods=["GET"], answer=sharing.PAGE)
def shared_page(share_id):
    """The public page: HTML a person reads, even for a dead link or a busy viewer."""
    request = app.current_request
    lang = web.preferred_language(request)
    try:
        shared = sharing.public_view(share_id, client_ip(request))
    except (NotFound, RateLimited) as error:
        return web.html_response(share_page.render_error(error, lang), share_page.headers(),
                                 error)
    return web.html_response(share_page.render(shared, lang), share_page.headers())


@app.route("/api/shared/{share_id}/preview", methods=["GET"], answer=sharing.PREVIEW)
def shared_preview(share_id):
    location = sharing.preview_location(share_id, client_ip(app.current_request))
    return Response(body="", status_code=302, headers={"Location": location})


@app.route("/api/cartoons/{cartoon_id}/cast/approve", methods=["POST"], body={},
           answer=view.APPROVED)
def approve_cast(cartoon_id):
    return cast.approve(signed_in(), cartoon_id)


@app.route("/api/cartoons/{cartoon_id}/cast/{index}/redraw", methods=["POST"],
           body=specs.REDRAW_REFERENCE_SPEC, body_required=False,
           answer=specs.REFERENCE_REDRAWING)
def redraw_reference(cartoon_id, index):
    session = signed_in()
    body = app.read_body()
    return json_response(cast.redraw(session, cartoon_id, index, body), status=202)


@app.route("/api/characters", methods=["POST"], body=specs.SAVE_CHARACTER_SPEC,
           answer=library.SAVED)
def save_character():
    session = signed_in()
    return json_response(library.save(session, app.read_body()), status=201)


@app.route("/api/characters", methods=["GET"], query=paging.query(library.MAX_PAGE),
           answer=library.CHARACTERS)
def list_characters():
    session = signed_in()
    return library.page(session, cursor=query().get("cursor"), limit=query().get("limit"))


@app.route("/api/characters/{character_id}", methods=["GET"], answer=library.VIEWED)
def get_character(character_id):
    return library.view(signed_in(), character_id)


@app.route("/api/characters/{character_id}", methods=["PATCH"],
           body=library_edits.EDIT_CHARACTER_SPEC, answer=library_edits.EDITED)
def edit_character(character_id):
    session = signed_in()
    return library_edits.edit(session, character_id, app.read_body())


@app.route("/api/uploads", methods=["POST"], body=uploads.UPLOAD_SPEC, answer=uploads.SLOT)
def start_upload():
    session = signed_in()
    return json_response(uploads.start(session, app.read_body()), status=201)


@app.route("/api/characters/{character_id}", methods=["DELETE"], answer=library.DELETED)
def delete_character(character_id):
    library.delete(signed_in(), character_id)
    return {"status": "deleted"}


@app.route("/api/gallery", methods=["GET"], query=paging.query(gallery.MAX_PAGE),
           answer=gallery.GALLERY)
def list_gallery():
    session = signed_in()
    return gallery.page(session, cursor=query().get("cursor"), limit=query().get("limit"))


# --- events ----------------------------------------------------------------------------------

@app.on_sqs_message(queue=settings.queue_name, name="generation_worker", batch_size=1,
                    maximum_concurrency=settings.worker_concurrency)
def generation_worker(event):
    from chalicelib.worker import entry  # the worker's code loads only in the worker Lambda

    entry.handle(event)


@app.schedule(f"rate({CLEANUP_EVERY_MINUTES} minutes)", name="cleanup")
def scheduled_cleanup(event):
    return cleanup.run()
