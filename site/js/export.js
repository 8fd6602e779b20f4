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
      const size = (state.size / (1024 * 1024)).toFixed(1);
      const until = new Date(state.expires_at).toLocaleString();
      message(notice, `Your export is ready (${state.files} files, ${size} MB). ` +
              `You can download it until ${until}.`, "ok");
      follow(Math.max(30, state.link_expires_in - 60));  // a fresh link before this one lapses
    } else if (inFlight) {
      message(notice, "Preparing your export… This page shows the link when it is ready.", "info");
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
