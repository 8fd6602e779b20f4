// Back from checkout: confirm the session (the webhook may not have arrived yet), then show
// the new balance here and in the header.
import { Api } from "./api.js";
import { $, message } from "./dom.js";
import { purchaseState } from "./format.js";
import { I18n } from "./i18n.js";
import { drawFrame, renderHeader, requireAccount } from "./layout.js";

drawFrame();
if (await requireAccount()) await confirmPurchase();

async function confirmPurchase() {
  const title = $("#success-title");
  const notice = $("#success-notice");
  const sessionId = new URLSearchParams(window.location.search).get("session_id");
  if (!sessionId) {
    title.textContent = I18n.t("success.nothing");
    message(notice, I18n.t("success.nothing_text"), "info");
    return;
  }
  try {
    const answer = await Api.post("/api/checkout/confirm", { session_id: sessionId });
    const purchase = answer.purchase;
    if (purchase.status === "paid" || purchase.status.endsWith("refunded")) {
      title.textContent = I18n.t("success.thanks");
      message(notice, I18n.t("success.added", {
        added: I18n.t("credits.count", { n: purchase.credits }),
        balance: I18n.t("credits.count", { n: answer.balance }) }), "ok");
    } else if (purchase.status === "pending") {
      title.textContent = I18n.t("success.processing");
      message(notice, I18n.t("success.processing_text"), "info");
    } else {
      title.textContent = I18n.t("success.not_completed");
      message(notice, I18n.t("success.not_completed_text",
                             { state: purchaseState(purchase).toLowerCase() }), "error");
    }
    await Api.account(true);
    await renderHeader();
  } catch (error) {
    title.textContent = I18n.t("success.failed");
    message(notice, error.message, "error");
  }
}
