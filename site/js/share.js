// The cartoon page's share box: off by default; the owner makes a read-only link (optionally
// expiring), copies it, or stops sharing, which kills the link at once.
import { Api } from "./api.js";
import { el, message } from "./dom.js";
import { I18n } from "./i18n.js";

export const Share = (() => {
  let shown = null;
  const EXPIRIES = [1, 7, 30];

  function render(cartoon, container, { onChange } = {}) {
    const state = JSON.stringify([cartoon.cartoon_id, cartoon.status, cartoon.share]);
    if (state === shown && container.childElementCount) return;
    if (container.contains(document.activeElement) && shown !== null &&
        JSON.parse(shown)[2]?.url === cartoon.share?.url) return;
    shown = state;
    container.hidden = false;
    const notice = el("p", { class: "notice", role: "alert", hidden: true });
    const body = cartoon.status !== "done"
      ? [el("p", { class: "hint" }, I18n.t("share.unfinished"))]
      : cartoon.share ? sharedView(cartoon, notice, onChange) : offView(cartoon, notice, onChange);
    container.replaceChildren(el("h2", { id: "share-heading" }, I18n.t("share.heading")), ...body,
                              notice);
  }

  function offView(cartoon, notice, onChange) {
    const expiry = el("select", { id: "share-expiry" },
      el("option", { value: "" }, I18n.t("share.forever")),
      ...EXPIRIES.map((n) => el("option", { value: String(n) }, I18n.t("share.days", { n }))));
    const button = el("button", { type: "button", class: "button", id: "share-create" },
      I18n.t("share.create"));
    button.addEventListener("click", () => act(button, notice, onChange, () => {
      const days = expiry.value ? { expires_in_days: Number(expiry.value) } : {};
      return Api.post(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/share`, days);
    }));
    return [el("p", { class: "hint" }, I18n.t("share.off")),
            el("label", { for: "share-expiry" }, I18n.t("share.how_long")), expiry,
            el("div", { class: "actions" }, button)];
  }

  function sharedView(cartoon, notice, onChange) {
    const link = el("input", { id: "share-url", readonly: true, value: cartoon.share.url,
                               "aria-describedby": "share-explained", translate: "no" });
    const copy = el("button", { type: "button", class: "button ghost", id: "share-copy" },
                    I18n.t("share.copy"));
    copy.addEventListener("click", async () => {
      link.select();
      try {
        await navigator.clipboard.writeText(cartoon.share.url);
        message(notice, I18n.t("share.copied"), "ok");
      } catch (error) {
        message(notice, I18n.t("share.copy_yourself"), "info");
      }
    });
    const stop = el("button", { type: "button", class: "button danger", id: "share-stop" },
      I18n.t("share.stop"));
    stop.addEventListener("click", () => act(stop, notice, onChange, () =>
      Api.del(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/share`)));
    const until = cartoon.share.expires_at
      ? I18n.t("share.until", { date: I18n.dateTime(cartoon.share.expires_at * 1000) })
      : I18n.t("share.until_stopped");
    return [el("p", { id: "share-explained" }, I18n.t("share.explained"), " ", until),
            el("label", { for: "share-url" }, I18n.t("share.link")), link,
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
