// The cartoon page: follows the drawing (a progress bar, each panel appearing as it is done,
// failures explained with their refund), then the comic. On a desktop the composed pages show
// large, one under another, and the owner moves a balloon or its tail's tip by dragging it or
// with the keyboard (free; the worker composes the page again). On a phone (600 px or less)
// a reader shows one panel at a time, edge to edge, lettered for that width: swipe, the arrow
// keys or the buttons move between panels. Each scene's texts are edited on its card (free), a
// scene can be redrawn (for its credits), and the pages, PDFs and CBZ downloaded.
import { Api } from "./api.js";
import { Cast } from "./cast.js";
import { $, el, message, show } from "./dom.js";
import { failureReason } from "./format.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";
import { poll } from "./poll.js";
import { Redraw } from "./redraw.js";
import { Share } from "./share.js";

const cartoonId = new URLSearchParams(window.location.search).get("id") || "";
const STATE_LABELS = {
  queued: () => I18n.t("cartoon.state_queued"), drawing: () => I18n.t("cartoon.state_drawing"),
  done: () => I18n.t("cartoon.state_done"), failed: () => I18n.t("cartoon.state_failed") };
const KIND_LABELS = {
  caption: () => I18n.t("cartoon.kind_caption"), speech: () => I18n.t("cartoon.kind_speech"),
  thought: () => I18n.t("cartoon.kind_thought") };
const MAX_ELEMENTS = 4; // comic/lettering.py MAX_ELEMENTS
const STEP = 0.01; // a keyboard move, as a fraction of the panel
const BIG_STEP = 0.05; // with Shift
let cartoon = null;
let moving = null; // the handle being moved: {scene, index, part, start, at, tail, handle}
let pagesShown = ""; // what the page view shows now (pages and geometry), to redraw only on change
let readerIndex = 0;
const signatures = {};

const credits = (n) => I18n.t("credits.count", { n });
const typed = (text) => el("span", { translate: "no" }, text); // what the owner wrote
const withoutQuery = (url) => (url || "").split("?")[0];
const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
const round4 = (value) => Math.round(value * 10000) / 10000;
const short = (text) => (text.length > 24 ? `${text.slice(0, 24)}…` : text);

function noSuchCartoon(text) {
  message($("#cartoon-notice"), text, "error");
  $("#progress-text").textContent = "";
  show($("#progress"), false);
  $("#cartoon-notice").append(" ", el("a", { href: "/gallery.html" }, I18n.t("cartoon.open_gallery")));
}

async function load() {
  if (!/^[0-9]{13}[0-9a-f]{8}$/.test(cartoonId)) {
    noSuchCartoon(I18n.t("cartoon.bad_address"));
    return;
  }
  try {
    cartoon = await Api.get(`/api/cartoons/${encodeURIComponent(cartoonId)}`);
  } catch (error) {
    if (error.status >= 400 && error.status < 500 && error.status !== 429) {
      noSuchCartoon(error.status === 404 ? I18n.t("cartoon.not_yours") : error.message);
      return;
    }
    throw error; // the loop says so (lostTouch) and comes back
  }
  render();
  const busy = ["drawing", "composing", "cast"].includes(cartoon.status);
  // Presigned links last a few minutes: refresh them before they run out.
  return busy ? 1.5 : Math.max(30, cartoon.links_expire_in * 0.8);
}

function progressText() {
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
  const key = `style.${cartoon.style.replace(/-/g, "_")}`;
  return I18n.has(key) ? I18n.t(key) : typed(cartoon.style_label || cartoon.style);
}

function render() {
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
  Cast.render(cartoon, $("#cast"), { onChange: loop.now });
  renderPages();
  renderDownloads();
  renderReader();
  renderTranscript();
  Share.render(cartoon, $("#share"), { onChange: loop.now });
  cartoon.scenes.forEach(renderScene);
}

// ---- The cartoon in words: alt text and the transcript ----

// A scene's texts in reading order, each "Ana says: “…”" (or a caption's words).
function saidLines(scene) {
  return (scene.elements || []).map((element) => {
    if (element.kind === "caption" || !element.speaker) {
      return { key: "cartoon.caption_says", vars: { text: element.text } };
    }
    return { key: element.kind === "thought" ? "cartoon.thinks" : "cartoon.says",
             vars: { speaker: element.speaker, text: element.text } };
  });
}

function sentence(text) {
  const trimmed = (text || "").trim();
  return /[.!?…»”"']$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

// "Scene 2: Bram presses the button. Bram says: “Oops!”", in the page's language.
function sceneAlt(scene) {
  return [I18n.t("cartoon.scene_alt", { n: scene.number, action: sentence(scene.action) }),
          ...saidLines(scene).map((line) => I18n.t(line.key, line.vars))].join(" ");
}

// A page names the scenes it holds; their words are in the transcript.
function pageAlt(number, total) {
  const held = cartoon.panels.filter((panel) => panel.page === number)
    .map((panel) => cartoon.scenes.find((s) => s.number === panel.number)).filter(Boolean);
  const scenes = held.map((scene) => I18n.t("cartoon.scene_alt",
    { n: scene.number, action: sentence(scene.action) })).join(" ");
  return I18n.t("cartoon.page_alt", { n: number, total, scenes }).replace(/\s{2,}/g, " ");
}

let transcriptShown = "";

function renderTranscript() {
  const card = $("#transcript-card");
  show(card, cartoon.status !== "cast" && cartoon.scenes.length > 0);
  const shown = JSON.stringify([I18n.lang, cartoon.scenes.map((s) => [s.action, s.elements,
                                                                      s.state])]);
  if (shown === transcriptShown) return;
  transcriptShown = shown;
  $("#transcript-list").replaceChildren(...cartoon.scenes.map(transcriptItem));
}

// One scene in words: its number, what happens, then each text with its speaker (the public
// share page words it the same way: chalicelib/cartoons/share_page.py).
function transcriptItem(scene) {
  const lines = saidLines(scene).map((line) => {
    const vars = {};
    for (const [name, value] of Object.entries(line.vars)) vars[name] = typed(value);
    return el("p", { class: "transcript-line" }, I18n.parts(line.key, vars));
  });
  return el("li", { class: "transcript-scene", "data-scene": scene.number },
    el("h3", {}, I18n.t("cartoon.scene", { n: scene.number }),
       scene.state === "failed" ? ` ${I18n.t("cartoon.transcript_not_drawn")}` : null),
    el("p", { class: "transcript-action", translate: "no" }, scene.action), ...lines);
}

// ---- The page view (desktop) ----

function composedPages() {
  if (cartoon.pages.length) return cartoon.pages;
  return cartoon.strip ? [{ ...cartoon.strip, number: 1 }] : []; // composed before pages existed
}

function renderPages() {
  const recomposing = cartoon.status === "composing" && pagesShown !== "";
  show($("#recomposing"), recomposing);
  $("#pages").classList.toggle("recomposing", recomposing);
  $("#pages").setAttribute("aria-busy", String(recomposing));
  const list = composedPages();
  if (!list.length) {
    if (!recomposing) show($("#pages-card"), false); // while recomposing, the old pages stay
    return;
  }
  show($("#pages-card"), true);
  const shown = JSON.stringify([list.map((page) => withoutQuery(page.url)), cartoon.panels,
                                cartoon.scenes.map((s) => [s.action, s.elements])]);
  if (moving || shown === pagesShown) {
    // The same pages: only the links' signatures changed.
    list.forEach((page, i) => {
      const image = $(`#page-${i + 1} .page-image`);
      if (image) image.dataset.fresh = page.url;
    });
    return;
  }
  const focused = document.activeElement && document.activeElement.id;
  pagesShown = shown;
  $("#pages").replaceChildren(...list.map(buildPage));
  show($("#move-hint"), cartoon.panels.some((panel) => panel.elements.length));
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

function buildPage(page, i) {
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

function describeElement(element, index, number) {
  return I18n.t(element.kind === "caption" ? "cartoon.element_caption" : "cartoon.element_balloon",
                { i: index + 1, n: number, text: short(element.text) });
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
  node.addEventListener("blur", () => { if (moving && moving.handle === node) finishMove(true); });
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
  if (moving && moving.handle !== node) finishMove(true);
  if (!moving) {
    moving = { handle: node, scene: Number(node.dataset.scene), index: Number(node.dataset.index),
               part: node.dataset.part, at: [...node.placed.at],
               tail: node.placed.tail ? [...node.placed.tail] : null, changed: false };
  }
  return moving;
}

// Move by (dx, dy), fractions of the panel; a balloon's box stays inside it.
function nudge(dx, dy) {
  const m = moving;
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
    if (moving && moving.handle === node) finishMove(true);
  } else if (event.key === "Escape") {
    if (moving && moving.handle === node) {
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
  const m = moving;
  moving = null;
  if (!m) return;
  m.handle.classList.remove("moved");
  if (!save || !m.changed) {
    place(m.handle, m.handle.placed.at, m.handle.placed.tail);
    return;
  }
  const scene = cartoon.scenes.find((s) => s.number === m.scene);
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
    cartoon = await Api.patch(
      `/api/cartoons/${encodeURIComponent(cartoonId)}/scenes/${m.scene}`, { elements });
    render();
    loop.after(1.5);
  } catch (error) {
    $("#pages").classList.remove("recomposing");
    show($("#recomposing"), false);
    place(m.handle, m.handle.placed.at, m.handle.placed.tail);
    message($("#pages-notice"), I18n.t("cartoon.move_failed", {
      element: describeElement(target, m.index, m.scene), error: error.message }), "error");
  }
}

function renderDownloads() {
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
  if (cartoon.cbz) {
    links.push(el("a", { class: "button small ghost", id: "download-cbz", "data-kind": "cbz",
                         href: cartoon.cbz.download_url }, I18n.t("cartoon.cbz")));
  }
  $("#downloads").replaceChildren(...links);
}

// ---- The reader (phone) ----

function readerPanels() {
  return (cartoon.panels || []).filter((p) => p.reader && p.reader.url);
}

function renderReader() {
  const panels = readerPanels();
  show($("#reader"), panels.length > 0);
  if (!panels.length) return;
  readerIndex = clamp(readerIndex, 0, panels.length - 1);
  const panel = panels[readerIndex];
  const scene = cartoon.scenes.find((s) => s.number === panel.number) || { action: "", elements: [] };
  const image = $("#reader-image");
  if (withoutQuery(image.src) !== withoutQuery(panel.reader.url)) image.src = panel.reader.url;
  image.width = panel.reader.width;
  image.height = panel.reader.height;
  image.dataset.scene = panel.number;
  image.dataset.textPx = panel.reader.text_px || "";
  image.alt = scene.number ? sceneAlt(scene) : "";
  $("#reader-count").textContent = I18n.t("cartoon.reader_count",
                                          { n: readerIndex + 1, total: panels.length });
  // What a screen reader announces as the panel turns: where it is, and the panel in words.
  const status = I18n.t("cartoon.reader_status",
                        { n: readerIndex + 1, total: panels.length, alt: image.alt });
  if ($("#reader-status").textContent !== status) $("#reader-status").textContent = status;
  $("#reader-prev").disabled = readerIndex === 0;
  $("#reader-next").disabled = readerIndex === panels.length - 1;
  const next = panels[readerIndex + 1];
  if (next) new Image().src = next.reader.url; // ready before the swipe
}

function turn(by) {
  const panels = readerPanels();
  const to = clamp(readerIndex + by, 0, panels.length - 1);
  if (to === readerIndex) return;
  readerIndex = to;
  renderReader();
}

function readerVisible() {
  return !$("#reader").hidden && $("#reader").getClientRects().length > 0;
}

function setUpReader() {
  $("#reader-prev").addEventListener("click", () => turn(-1));
  $("#reader-next").addEventListener("click", () => turn(1));
  // The reader's link to the transcript opens it and takes the focus there.
  $("#reader-transcript").addEventListener("click", (event) => {
    event.preventDefault();
    $("#transcript").open = true;
    $("#transcript-summary").focus();
    $("#transcript").scrollIntoView({ block: "start" });
  });
  document.addEventListener("keydown", (event) => {
    if (!readerVisible() || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, .handle")) return;
    if (event.key === "ArrowRight") { turn(1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { turn(-1); event.preventDefault(); }
  });
  // A horizontal swipe turns; vertical scrolling and pinch zoom stay the browser's (touch-action).
  const frame = $("#reader-frame");
  let start = null;
  frame.addEventListener("pointerdown", (event) => {
    start = event.isPrimary ? { x: event.clientX, y: event.clientY, id: event.pointerId } : null;
  });
  frame.addEventListener("pointercancel", () => { start = null; });
  frame.addEventListener("pointerup", (event) => {
    if (!start || event.pointerId !== start.id) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > 1.5 * Math.abs(dy)) turn(dx < 0 ? 1 : -1);
  });
  frame.addEventListener("dragstart", (event) => event.preventDefault());
}

// ---- The scenes' cards ----

function signature(scene) {
  return JSON.stringify([I18n.lang, scene.state, scene.attempt, scene.image && withoutQuery(scene.image.url),
    scene.elements, scene.reason, scene.chosen_version, (scene.versions || []).length,
    scene.action]);
}

function renderScene(scene) {
  const id = `scene-${scene.number}`;
  let panel = document.getElementById(id);
  const editing = panel && (panel.dataset.dirty === "true" || (panel.contains(document.activeElement) &&
    document.activeElement.matches("input, select, textarea")));
  if (panel && (signatures[id] === signature(scene) || editing)) {
    const link = $(".panel-download", panel);
    if (link && scene.image) link.href = scene.image.download_url;
    return;
  }
  signatures[id] = signature(scene);
  const fresh = buildPanel(scene);
  if (panel) panel.replaceWith(fresh); else $("#panels").append(fresh);
  panel = fresh;
}

function buildPanel(scene) {
  const frame = el("div", { class: "panel-frame" });
  if (scene.image) {
    frame.append(el("img", { class: "panel-image", src: scene.image.url, alt: sceneAlt(scene) }));
  } else {
    frame.append(el("div", { class: `placeholder ${scene.state}` },
      scene.state === "failed" ? I18n.t("cartoon.no_picture") : STATE_LABELS[scene.state]()));
  }
  const busy = scene.state === "queued" || scene.state === "drawing";
  const panel = el("article", { class: `panel state-${scene.state}`, id: `scene-${scene.number}`,
                                "data-state": scene.state },
    el("div", { class: "row-head" },
      el("h3", {}, I18n.t("cartoon.scene", { n: scene.number })),
      el("span", { class: `badge ${scene.state}` }, busy && scene.image
        ? I18n.t("cartoon.state_redrawing") : STATE_LABELS[scene.state]())),
    frame,
    el("p", { class: "panel-action", translate: "no" }, scene.action),
    scene.characters.length ? el("p", { class: "hint" }, I18n.parts("cartoon.with",
      { names: typed(scene.characters.join(", ")) })) : null);
  if (scene.reason) {  // a failed drawing, or a failed redraw (still showing its version)
    panel.append(el("p", { class: "notice error panel-failure" },
      scene.redraw_failed ? `${I18n.t("cartoon.redraw_failed")} ` : "",
      failureReason(scene, "cartoon.scene_failed"), " ",
      el("strong", {}, I18n.t("cartoon.given_back", { n: scene.refunded || 0 }))));
  }
  panel.append(Redraw.versions(cartoon, scene, { onDone: loop.now }));
  panel.append(textsForm(scene), panelActions(scene),
    el("p", { class: "notice", "data-notice": "", role: "alert", hidden: true }));
  return panel;
}

// The scene's texts, in reading order: each a caption or a balloon with its speaker.
function textsForm(scene) {
  const list = el("ol", { class: "elements" });
  const form = el("form", { class: "texts-form stack",
                            "aria-label": I18n.t("cartoon.texts_label", { n: scene.number }) },
    el("h4", {}, I18n.t("cartoon.texts")), list);
  const add = el("button", { type: "button", class: "button small ghost add-element" },
                 I18n.t("cartoon.add_text"));
  const addRow = (element) => {
    list.append(elementRow(scene, element, list));
    refresh();
  };
  const refresh = () => {
    add.disabled = list.children.length >= MAX_ELEMENTS;
    [...list.children].forEach((row, i) => {
      $(".element-number", row).textContent = I18n.t("cartoon.text_n", { n: i + 1 });
    });
  };
  list.refresh = refresh;
  add.addEventListener("click", () => {
    addRow({ kind: scene.characters.length ? "speech" : "caption", text: "",
             speaker: scene.characters[0] || "" });
    $(".edit-text", list.lastElementChild).focus();
    form.closest(".panel").dataset.dirty = "true";
  });
  scene.elements.forEach((element) => list.append(elementRow(scene, element, list)));
  refresh();
  form.append(el("div", { class: "actions" }, add,
    el("button", { type: "submit", class: "button small" }, I18n.t("cartoon.save_texts"))));
  form.addEventListener("input", () => { form.closest(".panel").dataset.dirty = "true"; });
  form.addEventListener("submit", (event) => saveTexts(event, scene, form));
  return form;
}

function elementRow(scene, element, list) {
  const kind = el("select", { class: "edit-kind", "aria-label": I18n.t("cartoon.kind") },
    ...Object.entries(KIND_LABELS).map(([value, label]) =>
      el("option", { value, selected: value === element.kind }, label())));
  const speaker = el("select", { class: "edit-speaker", "aria-label": I18n.t("cartoon.who_says"),
                                 translate: "no" },
    ...scene.characters.map((name) => el("option", { value: name, selected: name === element.speaker }, name)));
  const text = el("textarea", { class: "edit-text", maxlength: 400, rows: 2, translate: "no",
                                "aria-label": I18n.t("cartoon.text") });
  text.value = element.text;
  const row = el("li", { class: "element-row" },
    el("div", { class: "row-head" }, el("strong", { class: "element-number" }),
      el("button", { type: "button", class: "button small ghost remove-element" },
         I18n.t("cartoon.remove"))),
    el("div", { class: "element-fields" }, kind, speaker), text,
    el("p", { class: "notice", "data-element-notice": "", role: "alert", hidden: true }));
  row.element = element;
  const sync = () => {
    const balloon = kind.value !== "caption";
    speaker.hidden = !balloon || !scene.characters.length;
    if (balloon && !scene.characters.length) kind.setCustomValidity(I18n.t("cartoon.needs_speaker"));
    else kind.setCustomValidity("");
  };
  kind.addEventListener("change", sync);
  sync();
  $(".remove-element", row).addEventListener("click", () => {
    row.closest(".panel").dataset.dirty = "true";
    row.remove();
    list.refresh();
  });
  return row;
}

async function saveTexts(event, scene, form) {
  event.preventDefault();
  const card = form.closest(".panel");
  const notice = $("[data-notice]", card);
  const button = $("button[type=submit]", form);
  const rows = [...form.querySelectorAll(".element-row")];
  rows.forEach((row) => {
    message($("[data-element-notice]", row), "");
    $(".edit-text", row).removeAttribute("aria-invalid");
  });
  const elements = rows.map((row) => {
    const kind = $(".edit-kind", row).value;
    const item = { kind, text: $(".edit-text", row).value.trim() };
    if (kind !== "caption") item.speaker = $(".edit-speaker", row).value;
    const before = row.element;
    // A text that keeps its kind keeps the place its owner gave it.
    if (before.kind === kind && before.at) item.at = before.at;
    if (before.kind === kind && kind !== "caption" && before.tail) item.tail = before.tail;
    return item;
  });
  button.disabled = true;
  try {
    cartoon = await Api.patch(`/api/cartoons/${encodeURIComponent(cartoonId)}/scenes/${scene.number}`,
                              { elements });
    delete card.dataset.dirty;
    if (document.activeElement) document.activeElement.blur();
    render();
    const fresh = $(`#scene-${scene.number} [data-notice]`);
    message(fresh, cartoon.status === "composing"
      ? I18n.t("cartoon.saved_composing") : I18n.t("cartoon.saved"), "ok");
    if (cartoon.status === "composing" || cartoon.status === "drawing") loop.after(1.5);
  } catch (error) {
    button.disabled = false;
    const field = error.details && error.details.field;
    const found = field && /elements\[(\d+)\]/.exec(field);
    if (found && rows[Number(found[1])]) {
      const row = rows[Number(found[1])];
      // The field's path is for programs; the person sees the reason next to the text.
      message($("[data-element-notice]", row), elementProblem(error, field), "error");
      $(".edit-text", row).setAttribute("aria-invalid", "true");
      $(".edit-text", row).focus();
    } else {
      message(notice, error.message, "error");
    }
  }
}

// What is wrong with one of the texts, in plain words.
function elementProblem(error, field) {
  if (error.code === "text_does_not_fit") {
    return I18n.t(field.endsWith(".at") ? "cartoon.text_overlaps" : "cartoon.text_too_long");
  }
  if (error.code === "missing_field") return I18n.t("cartoon.text_empty");
  return error.message;
}

function panelActions(scene) {
  const actions = el("div", { class: "actions" });
  if (scene.image) {
    actions.append(el("a", { class: "button small ghost panel-download",
                             href: scene.image.download_url,
                             "aria-label": I18n.t("cartoon.download_scene", { n: scene.number }) },
                         I18n.t("cartoon.download")));
  }
  if (scene.state === "done" || scene.state === "failed") {
    // Redraw.open states the cost and asks for confirmation before anything is charged.
    actions.append(el("button", { type: "button", class: "button small ghost redraw",
                                  onclick: () => Redraw.open(cartoon, scene, { onDone: loop.now }) },
      I18n.t("cartoon.redraw_button", { n: cartoon.credits_per_scene })));
  }
  return actions;
}

// While the drawing goes on it is followed closely; once done, the page only comes back to
// refresh its presigned links before they run out. Losing touch is said, then retried.
const loop = poll(load, { retry: 5, onError: lostTouch });

function lostTouch() {
  message($("#cartoon-notice"), I18n.t("cartoon.lost_touch"), "error");
  $("#cartoon-notice").dataset.lostTouch = "true";
}

drawFrame();
setUpReader();
if (await requireAccount()) await loop.now();
