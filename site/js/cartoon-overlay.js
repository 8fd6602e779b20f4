// The page view's lettering overlay (issue 20): each page is its art without lettering, and the
// lettering is drawn over it in SVG (cartoon-overlay-draw.js) from the server's geometry, so the
// owner edits it at drag speed: drag a balloon or its tail's tip, drag its right edge to resize
// it (the text rewraps), pick its kind on the toolbar, type its text in the scene's form; by
// mouse, touch or keyboard (Tab to a handle, arrows move, Shift bigger, - and + narrow and
// widen, Enter saves, Escape cancels). Ctrl/Cmd+Z undoes, Shift+Ctrl/Cmd+Z redoes.
// Handles are buttons over each balloon: the SVG only draws (and is read, in reading order).
import { $ } from "./dom.js";
import { cartoonPage } from "./cartoon-state.js";
import { cellOf } from "./cartoon-overlay-draw.js";
import { commit, draftOf, expectSave, moveTo, panelOf, previewTexts, restore, snapshot, tipTo,
         undoStep, widthTo } from "./cartoon-overlay-edit.js";
import { hideToolbar, redraw, redrawScene, selectBalloon, showRefusal,
         updateUndo } from "./cartoon-overlay-view.js";
import { formElements } from "./cartoon-lettering.js";

const overlay = cartoonPage.overlay; // the overlay's part of the page's state

const STEP = 0.01; // a keyboard move, as a fraction of the panel
const BIG_STEP = 0.05; // with Shift
const WIDTH_STEP = 0.02; // a keyboard resize, as a fraction of the panel's width
const BIG_WIDTH_STEP = 0.1;

// ---- the gestures ----

const ids = (node) => [Number(node.dataset.scene), Number(node.dataset.index), node.dataset.part];

export function startGesture(event) {
  if (event.button !== 0 || overlay.gesture) return;
  const node = event.currentTarget;
  event.preventDefault();
  node.focus({ preventScroll: true });
  const [number, index, part] = ids(node);
  if (overlay.pending) finishPending(true);
  const stage = node.closest(".page-stage");
  const rect = stage.getBoundingClientRect();
  const c = cellOf(panelOf(number));
  const perCss = stage.pageSize[0] / rect.width; // page px per CSS px
  const draft = draftOf(number, index);
  overlay.gesture = { number, index, part, x: event.clientX, y: event.clientY,
                      fx: perCss / c.w, fy: perCss / c.h, at: [...draft.at],
                      tail: draft.tail && [...draft.tail], width: draft.box[2] - draft.box[0],
                      before: snapshot(number), moved: false, pointer: event.pointerId };
  node.setPointerCapture(event.pointerId);
  document.querySelectorAll(".lettering-toolbar").forEach((bar) => { bar.hidden = true; });
  const onMove = (e) => dragStep(e);
  const onUp = (e) => {
    node.removeEventListener("pointermove", onMove);
    node.removeEventListener("pointerup", onUp);
    node.removeEventListener("pointercancel", onUp);
    endDrag(e.type === "pointerup");
  };
  node.addEventListener("pointermove", onMove);
  node.addEventListener("pointerup", onUp);
  node.addEventListener("pointercancel", onUp);
}

// One drag step: the draft follows the pointer and is drawn in the next frame.
function dragStep(event) {
  const started = performance.now();
  const g = overlay.gesture;
  if (!g) return;
  const dx = (event.clientX - g.x) * g.fx;
  const dy = (event.clientY - g.y) * g.fy;
  if (g.part === "tail") tipTo(g.number, g.index, [g.tail[0] + dx, g.tail[1] + dy]);
  else if (g.part === "width") widthTo(g.number, g.index, g.width + dx);
  else moveTo(g.number, g.index, [g.at[0] + dx, g.at[1] + dy]);
  g.moved = true;
  redraw(g.number, g.index);
  const handled = performance.now() - started;
  // Timed for benchmarks/overlay_drag.py: the handler, the frame that draws it (its
  // requestAnimationFrame), and just after that frame is painted (a task queued from it).
  requestAnimationFrame(() => {
    const frame = performance.now() - started;
    const after = new MessageChannel();
    after.port1.onmessage = () => document.dispatchEvent(new CustomEvent("lettering-drawn", {
      detail: { handled, frame, painted: performance.now() - started } }));
    after.port2.postMessage(null);
  });
}

function endDrag(keep) {
  const g = overlay.gesture;
  overlay.gesture = null;
  if (!g) return;
  selectBalloon(g.number, g.index);
  if (!g.moved) return;
  if (!keep) {
    restore(g.number, g.before);
    redrawScene(g.number);
    return;
  }
  saveEdit(g.number, g.index, g.before);
}

export function onKey(event) {
  const node = event.currentTarget;
  const [number, index, part] = ids(node);
  const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const resize = { "-": -1, "+": 1, "=": 1 }[event.key];
  if (arrows[event.key] || (resize && part !== "tail")) {
    event.preventDefault();
    if (!overlay.pending || overlay.pending.handle !== node) {
      if (overlay.pending) finishPending(true);
      overlay.pending = { handle: node, number, index, before: snapshot(number) };
    }
    const draft = draftOf(number, index);
    const [sx, sy] = arrows[event.key] || [0, 0];
    const by = event.shiftKey ? BIG_STEP : STEP;
    const widthBy = event.shiftKey ? BIG_WIDTH_STEP : WIDTH_STEP;
    const width = draft.box[2] - draft.box[0];
    if (resize) widthTo(number, index, width + resize * widthBy, true);
    else if (part === "width") widthTo(number, index, width + sx * widthBy);
    else if (part === "tail") tipTo(number, index, [draft.tail[0] + sx * by, draft.tail[1] + sy * by]);
    else moveTo(number, index, [draft.at[0] + sx * by, draft.at[1] + sy * by]);
    node.classList.add("moved");
    redraw(number, index);
  } else if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    if (overlay.pending && overlay.pending.handle === node) finishPending(true);
  } else if (event.key === "Escape" && overlay.gesture) { // a drag let go of: back it goes
    event.preventDefault();
    node.releasePointerCapture(overlay.gesture.pointer);
    node.dispatchEvent(new PointerEvent("pointercancel", { pointerId: overlay.gesture.pointer }));
  } else if (event.key === "Escape" && overlay.pending && overlay.pending.handle === node) {
    event.preventDefault();
    finishPending(false);
  }
}

export function finishPending(keep) {
  const p = overlay.pending;
  overlay.pending = null;
  if (!p) return;
  p.handle.classList.remove("moved");
  if (keep) {
    saveEdit(p.number, p.index, p.before);
  } else {
    restore(p.number, p.before);
    redrawScene(p.number);
  }
}

// ---- saving, and what the server says ----

export function saveEdit(number, index, before) {
  showRefusal(null);
  return commit(number, before, hooks(number, index));
}

function hooks(number, index) {
  return {
    refused: (error) => {
      redrawScene(number);
      showRefusal(number, index, error);
      updateUndo();
    },
    done: () => {
      updateUndo();
      cartoonPage.render(); // the status (the downloads recomposing), the scene's card
      cartoonPage.loop.after(1.5);
    },
  };
}

// Undo (`back`) or redo one edit: an edit not saved yet is undone by bringing it back.
function undoRedo(back) {
  if (overlay.pending) { // the edit not saved yet is the one to undo
    if (back) finishPending(false);
    return;
  }
  showRefusal(null);
  const entry = back ? overlay.undo[overlay.undo.length - 1] : overlay.redo[overlay.redo.length - 1];
  if (!entry) return;
  const number = undoStep(back, hooks(entry.scene, 0));
  if (number !== null) redrawScene(number);
  updateUndo();
}

// The page's own listeners, once: undo and redo (buttons and keys), the texts forms' typing,
// the phone's lettering switch.
export function setUpOverlay() {
  $("#lettering-undo").addEventListener("click", () => undoRedo(true));
  $("#lettering-redo").addEventListener("click", () => undoRedo(false));
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== "z") return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return; // theirs
    if (!overlay.active) return;
    event.preventDefault();
    undoRedo(!event.shiftKey);
  });
  $("#panels").addEventListener("submit", expectForm, true); // before the form's own
  $("#panels").addEventListener("input", previewForm);
  $("#panels").addEventListener("change", previewForm);
  document.addEventListener("focusout", (event) => {
    const to = event.relatedTarget;
    if (!overlay.selected || (to && to.closest(".handle, .lettering-toolbar"))) return;
    if (event.target.closest(".handle, .lettering-toolbar")) hideToolbar();
  });
  $("#lettering-toggle").addEventListener("click", () => {
    const on = !document.documentElement.classList.contains("editing-lettering");
    document.documentElement.classList.toggle("editing-lettering", on);
    $("#lettering-toggle").setAttribute("aria-pressed", String(on));
    if (on) $("#pages-card").scrollIntoView({ block: "start" });
  });
}

// A scene's texts form is saving: its answer will be an edit to undo.
function expectForm(event) {
  const card = event.target.closest(".panel");
  if (!card || !overlay.active) return;
  expectSave(Number(card.id.replace("scene-", "")),
             formElements([...event.target.querySelectorAll(".element-row")]));
}

// The texts as typed in a scene's form, drawn on the page at once.
function previewForm(event) {
  const form = event.target.closest(".texts-form");
  const card = form && form.closest(".panel");
  if (!card || !overlay.active) return;
  const number = Number(card.id.replace("scene-", ""));
  const rows = [...form.querySelectorAll(".element-row")];
  if (previewTexts(number, formElements(rows).filter((e) => e.text))) redrawScene(number);
}
