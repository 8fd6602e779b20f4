// The gallery: a grid of the account's cartoons, newest first, a page at a time; each card shows
// the cartoon's first page as its cover.
import { Api } from "./api.js";
import { $, el, message, show } from "./dom.js";
import { formatDay } from "./format.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";

const statusLabel = (status) => I18n.t(
  ["done", "drawing", "composing", "incomplete"].includes(status) ? `status.${status}` : "status.other");
let nextCursor = null;

function card(cartoon) {
  const picture = cartoon.thumbnail_url
    // the cover: page 1 (the API's thumbnail), whole, whatever its shape
    ? el("img", { src: cartoon.thumbnail_url, alt: I18n.t("gallery.cover_alt", { title: cartoon.title }),
                  class: "panel-image cover", loading: "lazy" })
    : el("span", { class: "placeholder" }, statusLabel(cartoon.status));
  const badge = cartoon.status === "done" ? "done" : cartoon.status === "incomplete" ? "failed" : "drawing";
  const node = el("article", { class: "panel gallery-card", "data-id": cartoon.id },
    el("a", { href: cartoon.url, class: "panel-frame",
              "aria-label": I18n.t("gallery.open_label", { title: cartoon.title }) }, picture),
    el("h2", { class: "gallery-title" }, el("a", { href: cartoon.url, translate: "no" }, cartoon.title)),
    el("p", { class: "hint" }, formatDay(cartoon.created_at), " · ",
      I18n.t("scenes.count", { n: cartoon.scene_count }), " ",
      el("span", { class: `badge ${badge}` }, statusLabel(cartoon.status))),
    el("div", { class: "actions" },
      el("a", { href: cartoon.url, class: "button small" }, I18n.t("gallery.open")),
      el("button", { type: "button", class: "button small ghost delete",
                     onclick: () => remove(cartoon, node) }, I18n.t("gallery.delete"))));
  return node;
}

async function remove(cartoon, node) {
  if (!window.confirm(I18n.t("gallery.delete_ask", { title: cartoon.title }))) return;
  try {
    await Api.del(`/api/cartoons/${cartoon.id}`);
    node.remove();
    message($("#gallery-notice"), I18n.t("gallery.deleted", { title: cartoon.title }), "ok");
    show($("#gallery-empty"), !$("#gallery").children.length);
  } catch (error) {
    message($("#gallery-notice"), error.message, "error");
  }
}

async function loadPage() {
  const query = nextCursor ? `?cursor=${encodeURIComponent(nextCursor)}` : "";
  try {
    const page = await Api.get(`/api/gallery${query}`);
    $("#gallery").append(...page.cartoons.map(card));
    nextCursor = page.next_cursor;
    show($("#more"), Boolean(nextCursor));
    show($("#gallery-empty"), !$("#gallery").children.length);
  } catch (error) {
    message($("#gallery-notice"), error.message, "error");
  }
}

drawFrame();
if (await requireAccount()) {
  $("#more").addEventListener("click", loadPage);
  await loadPage();
}
