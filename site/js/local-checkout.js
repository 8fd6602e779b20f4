// The local stand-in for Stripe Checkout (only when no Stripe key is set). Paying asks the
// server for the signed checkout.session.completed event and delivers it to the real webhook
// route, exactly as Stripe would, then returns to the site's success page.
import { Api } from "./api.js";
import { $, message, show } from "./dom.js";
import { formatMoney } from "./format.js";
import { drawFrame } from "./layout.js";

drawFrame({ account: false, footer: false });
start();

async function start() {
  const notice = $("#checkout-notice");
  const sessionId = new URLSearchParams(window.location.search).get("session_id") || "";
  let session;
  try {
    // The account's own CSRF token comes with it: paying is a signed-in change.
    if (!await Api.account()) {
      message(notice, "Please sign in first.", "error");
      return;
    }
    session = await Api.get(`/api/local-checkout/${encodeURIComponent(sessionId)}`);
  } catch (error) {
    message(notice, error.message, "error");
    return;
  }
  $("#checkout-description").textContent = session.description;
  $("#checkout-amount").textContent = formatMoney(session.amount, session.currency);
  $("#checkout-email").textContent = session.email;
  $("#pay").textContent = `Pay ${formatMoney(session.amount, session.currency)}`;
  show($("#checkout-details"), true);

  $("#cancel").addEventListener("click", () => window.location.assign(session.cancel_url));
  $("#pay").addEventListener("click", async () => {
    $("#pay").disabled = true;
    $("#cancel").disabled = true;
    message(notice, "Paying…", "info");
    try {
      const paid = await Api.post(`/api/local-checkout/${encodeURIComponent(sessionId)}/pay`);
      const delivered = await fetch(paid.webhook, {
        method: "POST", credentials: "omit", body: paid.event,
        headers: { "Content-Type": "application/json; charset=utf-8",
                   "Stripe-Signature": paid.signature },
      });
      if (!delivered.ok) throw new Error(`The webhook refused the event (${delivered.status}).`);
      window.location.assign(paid.success_url);
    } catch (error) {
      message(notice, error.message, "error");
      $("#pay").disabled = false;
      $("#cancel").disabled = false;
    }
  });
}
