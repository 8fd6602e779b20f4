// The cartoon page's page view (desktop, and a phone that asks for it): the composed pages,
// large, one under another, and the downloads. A page with its art apart (`art_url`) has its
// lettering drawn over it and edited at drag speed (cartoon-overlay.js); one composed before
// shows its picture, where the owner moves a balloon or its tail's tip by dragging it or with
// the keyboard (free; the worker composes the page again).
import { Api } from "./api.js";
import { $, el, message, show, withoutQuery } from "./dom.js";
import { I18n } from "./i18n.js";
import { cartoonPage, clamp } from "./cartoon-state.js";
import { pageAlt } from "./cartoon-words.js";
import { buildOverlayPage, describeElement, loaded, overlaid, refreshOverlay, showUndo,
         updateUndo } from "./cartoon-overlay-view.js";
import { setUpOverlay } from "./cartoon-overlay.js";

const overlay = cartoonPage.overlay; // the overlay's part of the page's state

const STEP = 0.01; // a keyboard move, as a fraction of the panel

const BIG_STEP = 0.05; // with Shift

const round4 = (value) => Math.round(value * 10000) / 10000;

const short = (text) => (text.length > 24 ? `${text.slice(0, 24)}…` : text);

function composedPages() {
  const { cartoon } = cartoonPage;
  if (cartoon.pages.length) return cartoon.pages;
  return cartoon.strip ? [{ ...cartoon.strip, number: 1 }] : []; // composed before pages existed
}

export function renderPages() {
  const { cartoon } = cartoonPage;
  if (!overlay.setUp) {
    overlay.setUp = true;
    setUpOverlay();
  }
  const recomposing = cartoon.status === "composing" && cartoonPage.pagesShown !== "";
  const list = composedPages();
  // while the pages are recomposed, the lettered ones shown stay (and stay editable)
  const lettered = list.length ? overlaid(list) : overlay.active;
  overlay.active = lettered;
  // With the overlay the edit shows at once: only the downloads wait for the recomposition.
  show($("#recomposing"), recomposing);
  $("#pages").classList.toggle("recomposing", recomposing && !lettered);
  $("#pages").setAttribute("aria-busy", String(recomposing && !lettered));
  show($("#move-hint"), !lettered);
  show($("#lettering-hint"), lettered);
  showUndo(lettered);
  if (!list.length) {
    if (lettered) refreshOverlay(); // a text saved meanwhile is drawn, and can be undone
    if (!recomposing) show($("#pages-card"), false); // while recomposing, the old pages stay
    return;
  }
  show($("#pages-card"), true);
  if (lettered) {
    renderLettered(list);
    return;
  }
  const shown = JSON.stringify([list.map((page) => withoutQuery(page.url)), cartoon.panels,
                                cartoon.scenes.map((s) => [s.action, s.elements])]);
  if (cartoonPage.moving || shown === cartoonPage.pagesShown) {
    // The same pages: only the links' signatures changed.
    list.forEach((page, i) => {
      const image = $(`#page-${i + 1} .page-image`);
      if (image) image.dataset.fresh = page.url;
    });
    return;
  }
  const focused = document.activeElement && document.activeElement.id;
  cartoonPage.pagesShown = shown;
  $("#pages").replaceChildren(...list.map(buildPage));
  show($("#move-hint"), cartoon.panels.some((panel) => panel.elements.length));
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

// The pages with their lettering drawn over their art: built again when the art or the
// server's geometry changes (not in the middle of a gesture); otherwise only the scenes whose
// texts changed are drawn again.
function renderLettered(list) {
  const { cartoon } = cartoonPage;
  if (!overlay.measure.ready) { // measured in the lettering face, or not at all
    loaded.then(() => {
      overlay.measure.ready = true;
      renderPages();
    });
    return;
  }
  const shown = JSON.stringify([list.map((page) => withoutQuery(page.art_url)), cartoon.panels]);
  if (shown === cartoonPage.pagesShown || overlay.gesture || overlay.pending) {
    refreshOverlay();
    return;
  }
  const focused = document.activeElement && document.activeElement.id;
  refreshOverlay();
  cartoonPage.pagesShown = shown;
  $("#pages").replaceChildren(...list.map((page, i) =>
    buildOverlayPage(page, i, list.length, pageAlt(i + 1, list.length))));
  updateUndo();
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

function buildPage(page, i) {
  const { cartoon } = cartoonPage;
  const total = composedPages().length;
  const stage = el("div", { class: "page-stage", // the overlay's words while recomposing (CSS)
                            "data-recomposing": I18n.t("cartoon.recomposing") },
    el("img", { class: "page-image", src: page.url, width: page.width, height: page.height,
                alt: pageAlt(i + 1, total) }));
  for (const panel of cartoon.panels.filter((p) => p.page === i + 1)) {
    const scene = cartoon.scenes.find((s) => s.number === panel.number);
    if (!scene) continue;
    panel.elements.forEach((placed, index) => {
      const element = scene.elements[index];
      if (!element) return;
      stage.append(handle(panel, scene, element, placed, index, "at"));
      if (placed.tail) stage.append(handle(panel, scene, element, placed, index, "tail"));
    });
  }
  return el("figure", { class: "comic-page", id: `page-${i + 1}`, "data-page": i + 1 }, stage,
    el("figcaption", { class: "hint" }, I18n.t("cartoon.page_of", { n: i + 1, total })));
}

function handle(panel, scene, element, placed, index, part) {
  const name = part === "at"
    ? I18n.t("cartoon.handle_move", { element: describeElement(element, index, scene.number) })
    : I18n.t("cartoon.handle_tail", { i: index + 1, n: scene.number, text: short(element.text) });
  const node = el("button", {
    type: "button", class: `handle ${part === "at" ? "handle-box" : "handle-tail"} kind-${placed.kind}`,
    id: `handle-${scene.number}-${index}-${part}`, "aria-label": name, title: name,
    "data-scene": scene.number, "data-index": index, "data-part": part });
  node.panel = panel;
  node.placed = placed;
  place(node, placed.at, placed.tail);
  node.addEventListener("pointerdown", startDrag);
  node.addEventListener("keydown", keyMove);
  node.addEventListener("blur", () => {
    if (cartoonPage.moving && cartoonPage.moving.handle === node) finishMove(true);
  });
  node.addEventListener("click", (event) => event.preventDefault());
  return node;
}

// Where a handle sits, in % of its page: the panel's rectangle, then the element within it.
function place(node, at, tail) {
  const [left, top, right, bottom] = node.panel.rect;
  const across = (x) => 100 * (left + x * (right - left));
  const down = (y) => 100 * (top + y * (bottom - top));
  if (node.dataset.part === "tail") {
    node.style.left = `${across(tail[0])}%`;
    node.style.top = `${down(tail[1])}%`;
    return;
  }
  const [x1, y1, x2, y2] = node.placed.box;
  const dx = at[0] - node.placed.at[0];
  const dy = at[1] - node.placed.at[1];
  node.style.left = `${across(x1 + dx)}%`;
  node.style.top = `${down(y1 + dy)}%`;
  node.style.width = `${100 * (x2 - x1) * (right - left)}%`;
  node.style.height = `${100 * (y2 - y1) * (bottom - top)}%`;
}

function begin(node) {
  if (cartoonPage.moving && cartoonPage.moving.handle !== node) finishMove(true);
  if (!cartoonPage.moving) {
    cartoonPage.moving = {
      handle: node, scene: Number(node.dataset.scene), index: Number(node.dataset.index),
      part: node.dataset.part, at: [...node.placed.at],
      tail: node.placed.tail ? [...node.placed.tail] : null, changed: false };
  }
  return cartoonPage.moving;
}

// Move by (dx, dy), fractions of the panel; a balloon's box stays inside it.
function nudge(dx, dy) {
  const m = cartoonPage.moving;
  if (m.part === "tail") {
    m.tail = [round4(clamp(m.tail[0] + dx, 0, 1)), round4(clamp(m.tail[1] + dy, 0, 1))];
  } else {
    const [x1, y1, x2, y2] = m.handle.placed.box;
    const halfW = (x2 - x1) / 2;
    const halfH = (y2 - y1) / 2;
    m.at = [round4(clamp(m.at[0] + dx, halfW, 1 - halfW)),
            round4(clamp(m.at[1] + dy, halfH, 1 - halfH))];
  }
  m.changed = true;
  m.handle.classList.add("moved");
  place(m.handle, m.at, m.tail);
}

function keyMove(event) {
  const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const node = event.currentTarget;
  if (steps[event.key]) {
    event.preventDefault();
    begin(node);
    const step = event.shiftKey ? BIG_STEP : STEP;
    nudge(steps[event.key][0] * step, steps[event.key][1] * step);
  } else if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    if (cartoonPage.moving && cartoonPage.moving.handle === node) finishMove(true);
  } else if (event.key === "Escape") {
    if (cartoonPage.moving && cartoonPage.moving.handle === node) {
      event.preventDefault();
      finishMove(false);
    }
  }
}

function startDrag(event) {
  if (event.button !== 0) return;
  const node = event.currentTarget;
  event.preventDefault();
  node.focus({ preventScroll: true });
  begin(node);
  node.setPointerCapture(event.pointerId);
  const stage = node.parentElement.getBoundingClientRect();
  const [left, top, right, bottom] = node.panel.rect;
  const panelW = stage.width * (right - left);
  const panelH = stage.height * (bottom - top);
  let last = [event.clientX, event.clientY];
  const onMove = (e) => {
    nudge((e.clientX - last[0]) / panelW, (e.clientY - last[1]) / panelH);
    last = [e.clientX, e.clientY];
  };
  const onUp = () => {
    node.removeEventListener("pointermove", onMove);
    node.removeEventListener("pointerup", onUp);
    node.removeEventListener("pointercancel", onUp);
    finishMove(true);
  };
  node.addEventListener("pointermove", onMove);
  node.addEventListener("pointerup", onUp);
  node.addEventListener("pointercancel", onUp);
}

// Save (or cancel) the move under way: the scene's elements go back with the new position.
async function finishMove(save) {
  const m = cartoonPage.moving;
  cartoonPage.moving = null;
  if (!m) return;
  m.handle.classList.remove("moved");
  if (!save || !m.changed) {
    place(m.handle, m.handle.placed.at, m.handle.placed.tail);
    return;
  }
  const scene = cartoonPage.cartoon.scenes.find((s) => s.number === m.scene);
  const elements = scene.elements.map((e) => ({ ...e }));
  const target = elements[m.index];
  if (m.part === "tail") {
    target.tail = m.tail;
    target.at = target.at || m.handle.placed.at; // the balloon stays where it is
  } else {
    target.at = m.at; // its tail keeps pointing at the speaker, or where the owner put it
  }
  message($("#pages-notice"), "");
  $("#pages").classList.add("recomposing");
  show($("#recomposing"), true);
  try {
    cartoonPage.cartoon = await Api.patch(
      `/api/cartoons/${encodeURIComponent(cartoonPage.id)}/scenes/${m.scene}`, { elements });
    cartoonPage.render();
    cartoonPage.loop.after(1.5);
  } catch (error) {
    $("#pages").classList.remove("recomposing");
    show($("#recomposing"), false);
    place(m.handle, m.handle.placed.at, m.handle.placed.tail);
    message($("#pages-notice"), I18n.t("cartoon.move_failed", {
      element: describeElement(target, m.index, m.scene), error: error.message }), "error");
  }
}

export function renderDownloads() {
  const { cartoon } = cartoonPage;
  const list = composedPages();
  show($("#downloads-card"), list.length > 0);
  if (!list.length) return;
  const links = list.map((page, i) => el("a", { class: "button small ghost download-page",
    href: page.download_url, "data-kind": "png" }, I18n.t("cartoon.download_page", { n: i + 1 })));
  if (cartoon.pdf) {
    links.push(el("a", { class: "button small ghost", id: "download-pdf", "data-kind": "pdf",
                         href: cartoon.pdf.download_url }, I18n.t("cartoon.pdf_a4")));
  }
  if (cartoon.pdf_letter) {
    links.push(el("a", { class: "button small ghost", id: "download-pdf-letter",
                         "data-kind": "pdf", href: cartoon.pdf_letter.download_url },
                  I18n.t("cartoon.pdf_letter")));
  }
  // The print-shop editions (bleed and crop marks) and the webtoon layout's episode images.
  for (const [field, id, kind] of [["pdf_bleed", "download-pdf-bleed", "pdf"],
                                   ["pdf_letter_bleed", "download-pdf-letter-bleed", "pdf"],
                                   ["webtoon", "download-webtoon", "zip"]]) {
    if (!cartoon[field]) continue;
    links.push(el("a", { class: "button small ghost", id, "data-kind": kind,
                         href: cartoon[field].download_url }, I18n.t(`cartoon.${field}`)));
  }
  if (cartoon.cbz) {
    links.push(el("a", { class: "button small ghost", id: "download-cbz", "data-kind": "cbz",
                         href: cartoon.cbz.download_url }, I18n.t("cartoon.cbz")));
  }
  if (cartoon.epub) {
    links.push(el("a", { class: "button small ghost", id: "download-epub", "data-kind": "epub",
                         href: cartoon.epub.download_url }, I18n.t("cartoon.epub")));
  }
  $("#downloads").replaceChildren(...links);
}
