// The confirm page: opening the link changes nothing; the button POSTs the token.
import { Api } from "./api.js";
import { $, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { drawFrame, RETURN_KEY, safeReturnPath } from "./layout.js";

drawFrame({ account: false, footer: false });
start();

function start() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("token");
  // Drop the token from the address bar and history as soon as it is read.
  history.replaceState(null, "", window.location.pathname);
  const notice = $("#confirm-notice");
  if (!token) {
    message(notice, I18n.t("confirm.incomplete"), "error");
    show($("#confirm-form"), false);
    return;
  }
  $("#confirm-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#confirm-button").disabled = true;
    try {
      await Api.post("/api/auth/verify", { token });
      Api.forget();
      // Back where the visitor was when asked to sign in (remembered on this device).
      let back = null;
      try {
        back = localStorage.getItem(RETURN_KEY);
        localStorage.removeItem(RETURN_KEY);
      } catch (error) { /* not kept on this device */ }
      window.location.assign(safeReturnPath(back) || "/");
    } catch (error) {
      message(notice, error.message, "error");
      show($("#confirm-form"), false);
      show($("#new-link"), true);
    }
  });
}
