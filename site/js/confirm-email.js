// Confirming a new address: like sign-in, opening the link changes nothing until the POST.
import { Api } from "./api.js";
import { $, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { drawFrame } from "./layout.js";

drawFrame({ account: false, footer: false });
start();

function start() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token");
  history.replaceState(null, "", window.location.pathname);
  const notice = $("#confirm-notice");
  if (!token) {
    message(notice, I18n.t("confirm_email.incomplete"), "error");
    show($("#confirm-form"), false);
    show($("#next"), true);
    return;
  }
  $("#confirm-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#confirm-button").disabled = true;
    try {
      await Api.post("/api/me/email/confirm", { token });
      Api.forget();
      message(notice, I18n.t("confirm_email.done"), "ok");
    } catch (error) {
      message(notice, error.message, "error");
    }
    show($("#confirm-form"), false);
    show($("#next"), true);
  });
}
