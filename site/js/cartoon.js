// The cartoon page: follows the drawing (a progress bar, each panel appearing as it is done,
// failures explained with their refund), then the comic. On a desktop the composed pages show
// large, one under another, and the owner moves a balloon or its tail's tip by dragging it or
// with the keyboard (free; the worker composes the page again). On a phone (600 px or less)
// a reader shows one panel at a time, edge to edge, lettered for that width: swipe, the arrow
// keys or the buttons move between panels. Each scene's texts are edited on its card (free), a
// scene can be redrawn (for its credits), and the pages, PDFs and CBZ downloaded.
//
// Split by what each part does: cartoon-state.js (its one state object, cartoonPage),
// cartoon-words.js (alt text, the transcript), cartoon-pages.js (the page view, moving
// balloons, the downloads), cartoon-reader.js (the phone reader), cartoon-scenes.js (the cards).
import { Api } from "./api.js";
import { Cast } from "./cast.js";
import { $, el, message, show, typed } from "./dom.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";
import { loadOptions } from "./options.js";
import { poll } from "./poll.js";
import { Share } from "./share.js";
import { renderDownloads, renderPages } from "./cartoon-pages.js";
import { renderReader, setUpReader } from "./cartoon-reader.js";
import { renderScene } from "./cartoon-scenes.js";
import { cartoonPage } from "./cartoon-state.js";
import { renderTranscript } from "./cartoon-words.js";

function noSuchCartoon(text) {
  message($("#cartoon-notice"), text, "error");
  $("#progress-text").textContent = "";
  show($("#progress"), false);
  $("#cartoon-notice").append(" ", el("a", { href: "/gallery.html" }, I18n.t("cartoon.open_gallery")));
}

async function load() {
  if (!/^[0-9]{13}[0-9a-f]{8}$/.test(cartoonPage.id)) {
    noSuchCartoon(I18n.t("cartoon.bad_address"));
    return;
  }
  // the limits and kinds the scene cards use; if they do not come, the loop retries
  cartoonPage.options = await loadOptions();
  try {
    cartoonPage.cartoon = await Api.get(`/api/cartoons/${encodeURIComponent(cartoonPage.id)}`);
  } catch (error) {
    if (error.status >= 400 && error.status < 500 && error.status !== 429) {
      noSuchCartoon(error.status === 404 ? I18n.t("cartoon.not_yours") : error.message);
      return;
    }
    throw error; // the loop says so (lostTouch) and comes back
  }
  cartoonPage.render();
  const busy = ["drawing", "composing", "cast"].includes(cartoonPage.cartoon.status);
  // Presigned links last a few minutes: refresh them before they run out.
  return busy ? 1.5 : Math.max(30, cartoonPage.cartoon.links_expire_in * 0.8);
}

function progressText() {
  const { cartoon } = cartoonPage;
  const p = cartoon.progress;
  switch (cartoon.status) {
    case "cast": return cartoon.cast_state === "waiting"
      ? I18n.t("cartoon.progress_cast_waiting") : I18n.t("cartoon.progress_cast_drawing");
    case "drawing": return I18n.t("cartoon.progress_drawing", { done: p.done, n: p.total });
    case "composing": return I18n.t("cartoon.progress_composing");
    case "done": return I18n.t("cartoon.progress_done", {
      scenes: I18n.t("scenes.count", { n: p.total }),
      pages: I18n.t("cartoon.pages_count", { n: Math.max(1, cartoon.pages.length) }) });
    default: return I18n.t("cartoon.progress_incomplete",
                           { done: p.done, total: p.total, n: p.failed });
  }
}

// The style: a preset by its name in the page's language, the owner's own words as written.
function styleName() {
  const { cartoon } = cartoonPage;
  const key = `style.${cartoon.style.replace(/-/g, "_")}`;
  return I18n.has(key) ? I18n.t(key) : typed(cartoon.style_label || cartoon.style);
}

function render() {
  const { cartoon } = cartoonPage;
  document.title = `${cartoon.title} · Caaartoons`;
  $("#cartoon-title").textContent = cartoon.title;
  $("#cartoon-title").setAttribute("translate", "no");
  // What the cartoon has cost in all: its charge and every redraw, less what came back.
  $("#cartoon-meta").replaceChildren(styleName(), " · ",
    I18n.t("cartoon.per_scene", { n: cartoon.credits_per_scene }), " · ",
    I18n.t("cartoon.spent", { n: cartoon.spent ?? cartoon.cost }));
  const p = cartoon.progress;
  $("#progress").max = p.total;
  $("#progress").value = p.done + p.failed;
  $("#progress-text").textContent = progressText();
  document.body.dataset.status = cartoon.status;
  if ($("#cartoon-notice").dataset.lostTouch) {
    delete $("#cartoon-notice").dataset.lostTouch;
    message($("#cartoon-notice"), "");
  }
  Cast.render(cartoon, $("#cast"), { onChange: cartoonPage.loop.now });
  renderPages();
  renderDownloads();
  renderReader();
  renderTranscript();
  Share.render(cartoon, $("#share"), { onChange: cartoonPage.loop.now });
  cartoon.scenes.forEach(renderScene);
}

// While the drawing goes on it is followed closely; once done, the page only comes back to
// refresh its presigned links before they run out. Losing touch is said, then retried.
cartoonPage.render = render;
cartoonPage.loop = poll(load, { retry: 5, onError: lostTouch });

function lostTouch() {
  message($("#cartoon-notice"), I18n.t("cartoon.lost_touch"), "error");
  $("#cartoon-notice").dataset.lostTouch = "true";
}

drawFrame();
setUpReader();
if (await requireAccount()) await cartoonPage.loop.now();
