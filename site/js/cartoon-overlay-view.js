// The lettering overlay's view (cartoon-overlay.js has its gestures): a page built as its art
// with the SVG lettering over it (cartoon-overlay-draw.js) and a button over each balloon, its
// tail's tip and its right edge; a balloon drawn again as its draft changes; the selected
// balloon's toolbar (its kind); what the server refused, next to the balloon.
import { $, el, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { cartoonPage, clamp, kindHasSpeaker } from "./cartoon-state.js";
import { boxPx, drawBalloon, pageOverlay, tipPx } from "./cartoon-overlay-draw.js";
import { draftOf, kindTo, panelOf, snapshot, syncDrafts } from "./cartoon-overlay-edit.js";
import { loadFaces } from "./cartoon-overlay-text.js";
import { finishPending, onKey, saveEdit, startGesture } from "./cartoon-overlay.js";

const overlay = cartoonPage.overlay; // the overlay's part of the page's state

const short = (text) => (text.length > 24 ? `${text.slice(0, 24)}…` : text);

export function describeElement(element, index, number) {
  return I18n.t(kindHasSpeaker(element.kind) ? "cartoon.element_balloon" : "cartoon.element_caption",
                { i: index + 1, n: number, text: short(element.text || "") });
}

const kindName = (key) => (I18n.has(`cartoon.kind_${key}`) ? I18n.t(`cartoon.kind_${key}`) : key);

// Whether the page view draws the lettering itself: every page has its art without lettering.
export const overlaid = (pages) => pages.length > 0 && pages.every((page) => page.art_url);

export const loaded = loadFaces();

// ---- building a page ----

export function buildOverlayPage(page, i, total, alt) {
  const panels = overlay.panels.filter((p) => p.page === i + 1);
  const stage = el("div", { class: "page-stage lettered", "data-page": i + 1 },
    el("img", { class: "page-image", src: page.art_url, width: page.width, height: page.height,
                alt }),
    pageOverlay(page, panels, (n) => overlay.drafts[n]));
  stage.pageSize = [page.width, page.height];
  for (const panel of panels) stage.append(el("div", { class: "scene-handles", "data-scene": panel.number }));
  stage.append(toolbar());
  const figure = el("figure", { class: "comic-page", id: `page-${i + 1}`, "data-page": i + 1 },
    stage, el("figcaption", { class: "hint" }, I18n.t("cartoon.page_of", { n: i + 1, total })));
  for (const panel of panels) placeHandles(stage, panel.number);
  return figure;
}

function stageOf(number) {
  const panel = panelOf(number);
  return panel && $(`#page-${panel.page} .page-stage`);
}

// Handles for each of a scene's balloons: its box, its tail's tip, its right edge.
function placeHandles(stage, number) {
  const holder = $(`.scene-handles[data-scene="${number}"]`, stage);
  const drafts = overlay.drafts[number] || [];
  const wanted = drafts.flatMap((draft, index) => ["at", "width", ...(draft.tail ? ["tail"] : [])]
    .map((part) => `handle-${number}-${index}-${part}`));
  if ([...holder.querySelectorAll(".handle")].map((n) => n.id).join() !== wanted.join()) {
    const bar = $(".lettering-toolbar", holder);
    if (bar) stage.append(bar); // it stays the page's
    holder.replaceChildren(...wanted.map((id) => handle(id)));
  }
  drafts.forEach((draft, index) => {
    for (const part of ["at", "width", "tail"]) {
      const node = $(`#handle-${number}-${index}-${part}`, holder); // maybe not in the page yet
      if (node) position(stage, node, number, draft, index, part);
    }
  });
}

function handle(id) {
  const [, scene, index, part] = id.split("-");
  const node = el("button", { type: "button", id, class: `handle handle-${part === "at" ? "box" : part}`,
                              "data-scene": scene, "data-index": index, "data-part": part });
  node.addEventListener("pointerdown", startGesture);
  node.addEventListener("keydown", onKey);
  node.addEventListener("blur", () => {
    if (overlay.pending && overlay.pending.handle === node) finishPending(true);
  });
  node.addEventListener("focus", () => selectBalloon(Number(scene), Number(index)));
  node.addEventListener("click", (event) => event.preventDefault());
  return node;
}

const percent = (value, whole) => `${(100 * value / whole).toFixed(3)}%`;

function position(stage, node, number, draft, index, part) {
  const panel = panelOf(number);
  const [pw, ph] = stage.pageSize;
  const element = describeElement(draft, index, number);
  const name = { at: I18n.t("cartoon.handle_move", { element }),
                 tail: I18n.t("cartoon.handle_tail", { i: index + 1, n: number, text: short(draft.text || "") }),
                 width: I18n.t("overlay.handle_width", { element }) }[part];
  if (node.getAttribute("aria-label") !== name) {
    node.setAttribute("aria-label", name);
    node.title = name;
  }
  node.className = `handle handle-${part === "at" ? "box" : part} kind-${draft.kind}`;
  const box = boxPx(panel, draft.box);
  if (part === "tail") {
    const tip = tipPx(panel, draft.tail);
    node.style.left = percent(tip[0], pw);
    node.style.top = percent(tip[1], ph);
  } else if (part === "width") {
    node.style.left = percent(box[2], pw);
    node.style.top = percent((box[1] + box[3]) / 2, ph);
  } else {
    node.style.left = percent(box[0], pw);
    node.style.top = percent(box[1], ph);
    node.style.width = percent(box[2] - box[0], pw);
    node.style.height = percent(box[3] - box[1], ph);
  }
}

// ---- drawing again ----

// One balloon drawn again, with its handles (a drag step).
export function redraw(number, index) {
  const group = document.getElementById(`balloon-${number}-${index}`);
  const stage = stageOf(number);
  if (!group || !stage) return redrawScene(number);
  drawBalloon(group, panelOf(number), draftOf(number, index), draftOf(number, index - 1));
  const next = document.getElementById(`balloon-${number}-${index + 1}`);
  if (next && draftOf(number, index + 1).joined) { // its neck follows this one
    drawBalloon(next, panelOf(number), draftOf(number, index + 1), draftOf(number, index));
  }
  placeHandles(stage, number);
  // the toolbar waits for the gesture's end (placing it costs a layout each step)
  if (overlay.selected === `${number}-${index}` && !overlay.gesture) placeToolbar(stage, number, index);
}

// A scene's balloons drawn again (undo, a refusal, the texts form).
export function redrawScene(number) {
  const stage = stageOf(number);
  if (!stage) return;
  const panel = panelOf(number);
  const cell = $(`.panel-lettering[data-scene="${number}"]`, stage);
  cell.replaceChildren(...(overlay.drafts[number] || []).map((draft, index, all) => {
    const group = document.createElementNS("http://www.w3.org/2000/svg", "g");
    group.id = `balloon-${number}-${index}`;
    drawBalloon(group, panel, draft, all[index - 1]);
    return group;
  }));
  placeHandles(stage, number);
  const [n, k] = (overlay.selected || "").split("-").map(Number);
  if (n === number && draftOf(n, k)) placeToolbar(stage, n, k);
  else if (n === number) hideToolbar();
}

// After a load: the drafts in line with the cartoon, the scenes that changed drawn again.
export function refreshOverlay() {
  if (overlay.gesture || overlay.pending) return false;
  const changed = syncDrafts();
  if (changed === "all") return true; // a recomposition came back: its pages are drawn anew
  changed.forEach(redrawScene);
  updateUndo();
  return false;
}

export function showRefusal(number, index, error) {
  document.querySelectorAll(".overlay-problem").forEach((node) => node.remove());
  if (number === null) return;
  const stage = stageOf(number);
  const field = error.details && error.details.field;
  const found = field && /elements\[(\d+)\]/.exec(field);
  const at = found ? Number(found[1]) : index;
  const draft = draftOf(number, at) || draftOf(number, index);
  const words = {
    does_not_fit: "cartoon.text_too_long", text_does_not_fit: field && field.endsWith(".at")
      ? "cartoon.text_overlaps" : "cartoon.text_too_long", overlaps: "cartoon.text_overlaps" };
  const reason = words[error.code] ? I18n.t(words[error.code]) : error.message;
  const note = el("p", { class: "notice error overlay-problem", role: "alert",
                         "data-scene": number, "data-index": at },
    I18n.t("cartoon.move_failed", { element: describeElement(draft || {}, at, number), error: reason }));
  if (stage && draft) {
    const box = boxPx(panelOf(number), draft.box);
    note.style.left = percent(clamp(box[0], 0, stage.pageSize[0] * 0.6), stage.pageSize[0]);
    note.style.top = percent(box[3], stage.pageSize[1]);
    stage.append(note);
  } else {
    message($("#pages-notice"), note.textContent, "error");
  }
}

// ---- the toolbar: the selected balloon's kind ----

function toolbar() {
  const bar = el("div", { class: "lettering-toolbar", role: "toolbar", hidden: true });
  for (const { key } of cartoonPage.options.kinds) {
    bar.append(el("button", { type: "button", class: "button small ghost kind-choice",
                              "data-kind": key, "aria-pressed": "false" }, kindName(key)));
  }
  bar.addEventListener("click", (event) => {
    const button = event.target.closest(".kind-choice");
    if (!button || button.disabled || !overlay.selected) return;
    const [number, index] = overlay.selected.split("-").map(Number);
    if (draftOf(number, index).kind === button.dataset.kind) return;
    if (overlay.pending) finishPending(true);
    const before = snapshot(number);
    kindTo(number, index, button.dataset.kind);
    redrawScene(number);
    saveEdit(number, index, before);
  });
  return bar;
}

export function selectBalloon(number, index) {
  overlay.selected = `${number}-${index}`;
  document.querySelectorAll(".lettering-toolbar").forEach((bar) => { bar.hidden = true; });
  placeToolbar(stageOf(number), number, index);
}

export function hideToolbar() {
  overlay.selected = null;
  document.querySelectorAll(".lettering-toolbar").forEach((bar) => { bar.hidden = true; });
}

function placeToolbar(stage, number, index) {
  if (!stage) return;
  const bar = $(".lettering-toolbar", stage);
  const draft = draftOf(number, index);
  // Next after the balloon's handles, for Tab to reach it from them.
  const last = $(`#handle-${number}-${index}-${draft.tail ? "tail" : "width"}`, stage);
  if (last && last.nextElementSibling !== bar && !bar.contains(document.activeElement)) last.after(bar);
  const scene = cartoonPage.cartoon.scenes.find((s) => s.number === number);
  bar.setAttribute("aria-label", I18n.t("overlay.toolbar", { element: describeElement(draft, index, number) }));
  bar.dataset.scene = number;
  bar.dataset.index = index;
  for (const button of bar.querySelectorAll(".kind-choice")) {
    button.setAttribute("aria-pressed", String(button.dataset.kind === draft.kind));
    // a speaker's kind needs someone in the scene to say it
    button.disabled = kindHasSpeaker(button.dataset.kind) && !draft.speaker && !scene.characters.length;
  }
  const box = boxPx(panelOf(number), draft.box);
  const [pw, ph] = stage.pageSize;
  bar.hidden = false;
  // over the balloon's left edge, or as far left as keeps it inside the page
  const room = stage.clientWidth - bar.offsetWidth;
  bar.style.left = `${Math.max(0, Math.min(room, (box[0] / pw) * stage.clientWidth))}px`;
  const below = box[1] < 0.12 * ph; // no room above: under the balloon
  bar.style.top = below ? percent(box[3], ph) : "";
  bar.style.bottom = below ? "" : percent(ph - box[1], ph);
}

export function updateUndo() {
  const undo = $("#lettering-undo");
  const redo = $("#lettering-redo");
  if (!undo) return;
  undo.disabled = !overlay.undo.length;
  redo.disabled = !overlay.redo.length;
  undo.dataset.steps = overlay.undo.length; // how many (the browser tests wait on them)
  redo.dataset.steps = overlay.redo.length;
}

export function showUndo(visible) {
  show($("#lettering-tools"), visible);
}
