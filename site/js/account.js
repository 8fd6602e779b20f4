// The account page: change the address, sign out everywhere, export, delete the account.
import { Api } from "./api.js";
import { $, el, message, show } from "./dom.js";
import { setupExport } from "./export.js";
import { formatDay } from "./format.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";

drawFrame();
start();

async function start() {
  const me = await requireAccount();
  if (!me) return;
  $("#account-who").replaceChildren(...I18n.parts("account.signed_in", {
    email: el("strong", { id: "account-email", translate: "no" }, me.email),
    date: el("span", { id: "account-since" }, formatDay(me.created_at)) }));
  // Unspent credits are lost with the account: say so before anyone types their address.
  show($("#delete-credits"), me.balance > 0);
  if (me.balance > 0) $("#delete-credits").textContent = I18n.t("account.delete_credits", { n: me.balance });

  $("#email-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await Api.post("/api/me/email", { email: $("#new-email").value.trim() });
      message($("#account-notice"), I18n.t("account.check_new"), "ok");
    } catch (error) {
      message($("#account-notice"), error.message, "error");
    }
  });

  $("#logout-all").addEventListener("click", async () => {
    await Api.post("/api/auth/logout-all");
    Api.forget();
    window.location.assign("/");
  });

  $("#delete-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const ask = me.balance > 0 ? I18n.t("account.delete_ask_credits", { n: me.balance })
      : I18n.t("account.delete_ask");
    if (!window.confirm(ask)) return;
    try {
      await Api.del("/api/me", { confirm: $("#delete-confirm").value.trim() });
      Api.forget();
      window.location.assign("/?deleted=1");
    } catch (error) {
      message($("#delete-notice"), error.message, "error");
    }
  });

  setupExport();
}
