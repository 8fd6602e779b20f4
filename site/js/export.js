// The account page's data export: ask for it, follow it until the worker has built it, then
// offer its (short-lived) download link, refreshed before it expires.
import { Api } from "./api.js";
import { $, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { poll } from "./poll.js";

export function setupExport() {
  const button = $("#export-button");
  const link = $("#export-link");
  const notice = $("#export-notice");

  // What the page shows for the export's state, and when to look again (seconds, or null).
  function render(state) {
    const inFlight = state.state === "queued" || state.state === "building";
    button.disabled = inFlight;
    show(link, state.state === "ready");
    if (state.state === "ready") {
      link.href = state.download_url;
      const size = new Intl.NumberFormat(I18n.locale, { maximumFractionDigits: 1 })
        .format(state.size / (1024 * 1024));
      message(notice, I18n.t("account.export_ready", {
        files: state.files, size, until: I18n.dateTime(state.expires_at) }), "ok");
      return Math.max(30, state.link_expires_in - 60);  // a fresh link before this one lapses
    }
    if (inFlight) {
      message(notice, I18n.t("account.export_preparing"), "info");
      return 2;
    }
    if (state.state === "failed") message(notice, state.reason, "error");
    return null;
  }

  const loop = poll(async () => {
    try {
      return render(await Api.get("/api/me/export"));
    } catch (error) {
      if (error.status === 404) return null;  // no export asked for yet
      throw error;
    }
  }, { onError: (error) => message(notice, error.message, "error") });

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      loop.after(render(await Api.post("/api/me/export")));
    } catch (error) {
      button.disabled = false;
      message(notice, error.message, "error");
      if (error.status === 409) loop.after(2);  // one is being built already: follow it
    }
  });

  loop.now();
}
