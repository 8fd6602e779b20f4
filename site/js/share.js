// The cartoon page's share box: off by default; the owner makes a read-only link (optionally
// expiring), copies it, or stops sharing, which kills the link at once.
const Share = (() => {
  let shown = null;
  const EXPIRIES = [["", "Until I stop sharing"], ["1", "For 1 day"], ["7", "For 7 days"],
                    ["30", "For 30 days"]];

  function render(cartoon, container, { onChange } = {}) {
    const state = JSON.stringify([cartoon.cartoon_id, cartoon.status, cartoon.share]);
    if (state === shown && container.childElementCount) return;
    if (container.contains(document.activeElement) && shown !== null &&
        JSON.parse(shown)[2]?.url === cartoon.share?.url) return;
    shown = state;
    container.hidden = false;
    const notice = el("p", { class: "notice", role: "alert", hidden: true });
    const body = cartoon.status !== "done"
      ? [el("p", { class: "hint" }, "You can share this cartoon once it is finished.")]
      : cartoon.share ? sharedView(cartoon, notice, onChange) : offView(cartoon, notice, onChange);
    container.replaceChildren(el("h2", { id: "share-heading" }, "Share"), ...body, notice);
  }

  function offView(cartoon, notice, onChange) {
    const expiry = el("select", { id: "share-expiry" },
      ...EXPIRIES.map(([value, label]) => el("option", { value }, label)));
    const button = el("button", { type: "button", class: "button", id: "share-create" },
      "Create a share link");
    button.addEventListener("click", () => act(button, notice, onChange, () => {
      const days = expiry.value ? { expires_in_days: Number(expiry.value) } : {};
      return Api.post(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/share`, days);
    }));
    return [el("p", { class: "hint" }, "Not shared: nobody but you can see this cartoon."),
            el("label", { for: "share-expiry" }, "How long the link works"), expiry,
            el("div", { class: "actions" }, button)];
  }

  function sharedView(cartoon, notice, onChange) {
    const link = el("input", { id: "share-url", readonly: true, value: cartoon.share.url,
                               "aria-describedby": "share-explained" });
    const copy = el("button", { type: "button", class: "button ghost", id: "share-copy" }, "Copy");
    copy.addEventListener("click", async () => {
      link.select();
      try {
        await navigator.clipboard.writeText(cartoon.share.url);
        message(notice, "The link is copied.", "ok");
      } catch (error) {
        message(notice, "Select the link and copy it.", "info");
      }
    });
    const stop = el("button", { type: "button", class: "button danger", id: "share-stop" },
      "Stop sharing");
    stop.addEventListener("click", () => act(stop, notice, onChange, () =>
      Api.del(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/share`)));
    const until = cartoon.share.expires_at
      ? `It works until ${new Date(cartoon.share.expires_at * 1000).toLocaleString()}.`
      : "It works until you stop sharing.";
    return [el("p", { id: "share-explained" }, "Anyone with this link can see this cartoon's ",
               "pages and texts, and nothing else of your account. ", until),
            el("label", { for: "share-url" }, "Share link"), link,
            el("div", { class: "actions" }, copy, stop)];
  }

  async function act(button, notice, onChange, send) {
    button.disabled = true;
    try {
      await send();
      shown = null;
      if (onChange) await onChange();
    } catch (error) {
      button.disabled = false;
      message(notice, error.message, "error");
    }
  }

  return { render };
})();
window.Share = Share;
