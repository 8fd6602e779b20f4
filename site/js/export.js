// The account page's data export: ask for it, follow it until the worker has built it, then
// offer its (short-lived) download link, refreshed before it expires.
function setupExport() {
  const button = $("#export-button");
  const link = $("#export-link");
  const notice = $("#export-notice");
  let timer = null;

  function follow(seconds) {
    clearTimeout(timer);
    timer = setTimeout(refresh, seconds * 1000);
  }

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
      follow(Math.max(30, state.link_expires_in - 60));  // a fresh link before this one lapses
    } else if (inFlight) {
      message(notice, I18n.t("account.export_preparing"), "info");
      follow(2);
    } else if (state.state === "failed") {
      message(notice, state.reason, "error");
    }
  }

  async function refresh() {
    try {
      render(await Api.get("/api/me/export"));
    } catch (error) {
      if (error.status !== 404) message(notice, error.message, "error");
    }
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      render(await Api.post("/api/me/export"));
    } catch (error) {
      button.disabled = false;
      message(notice, error.message, "error");
      if (error.status === 409) follow(2);
    }
  });

  refresh();
}
