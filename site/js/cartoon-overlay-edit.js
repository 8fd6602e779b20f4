// The lettering's edits: each balloon's draft (what the overlay draws), changed at once as the
// owner drags, resizes, changes a kind or types; saved as the scene's elements (PATCH, the
// server checks them with its engine and recomposes the downloads in the background); undone
// and redone. A refused save puts the scene back as it was last saved and says why.
import { Api } from "./api.js";
import { cartoonPage, clamp, kindHasSpeaker } from "./cartoon-state.js";
import { cellOf } from "./cartoon-overlay-draw.js";
import { idealShape, shapeAt, shapeFor } from "./cartoon-overlay-text.js";

const overlay = cartoonPage.overlay; // the overlay's part of the page's state

const round4 = (value) => Math.round(value * 10000) / 10000;
const copy = (value) => JSON.parse(JSON.stringify(value));

// The panels as the drafts were made from them (while the pages are recomposed, the cartoon
// has none).
export const panelOf = (number) => overlay.panels.find((p) => p.number === number);
const sceneOf = (number) => cartoonPage.cartoon.scenes.find((s) => s.number === number);
export const draftOf = (number, index) => (overlay.drafts[number] || [])[index];

// `draft` with its box of `w` x `h` px centred on `at` (fractions), kept inside the panel as
// lettering._given keeps it; its `at` is then the box's centre, as the server stores it.
function placeBox(panel, draft, at, w, h) {
  const c = cellOf(panel);
  const left = clamp(at[0] * c.w - w / 2, 0, Math.max(0, c.w - w));
  const top = clamp(at[1] * c.h - h / 2, 0, Math.max(0, c.h - h));
  draft.box = [left / c.w, top / c.h, (left + w) / c.w, (top + h) / c.h].map(round4);
  draft.at = [round4((left + w / 2) / c.w), round4((top + h / 2) / c.h)];
}

const sizeOf = (panel, draft) => {
  const c = cellOf(panel);
  return [(draft.box[2] - draft.box[0]) * c.w, (draft.box[3] - draft.box[1]) * c.h];
};

// The drafts of a scene as the server placed them (its geometry, `panels[].elements`).
function fromServer(panel, scene) {
  return panel.elements.map((placed, index) => {
    const element = scene.elements[index] || {};
    const draft = { ...element, kind: placed.kind || element.kind, at: placed.at,
                    tail: placed.tail || null, box: placed.box,
                    width: placed.width ?? element.width ?? null, joined: Boolean(placed.joined),
                    atSet: Boolean(element.at), tailSet: Boolean(element.tail) };
    draft.lines = placed.lines || linesFor(panel, draft, sizeOf(panel, draft)[0]);
    return draft;
  });
}

function linesFor(panel, draft, widthPx) {
  const shape = shapeFor(draft.kind, draft.text || "", panel.text_px, widthPx + 1);
  return shape ? shape.lines : [draft.text || ""];
}

// A draft's shape for its text: wrapped to the owner's width when set, else to the shape the
// engine likes best (the server places it for good once it recomposes).
function reshape(panel, draft) {
  const c = cellOf(panel);
  const size = panel.text_px;
  const shape = draft.width ? shapeAt(draft.kind, draft.text, size, draft.width, c.w)
    : idealShape(draft.kind, draft.text, size, c.w, c.h);
  if (!shape) return false;
  draft.lines = shape.lines;
  placeBox(panel, draft, draft.at, shape.w, shape.h);
  return true;
}

// A speaker's balloon has a tail: where it pointed, else below the box.
function ensureTail(draft) {
  if (draft.kind === "caption" || !kindHasSpeaker(draft.kind)) {
    draft.tail = null;
  } else if (!draft.tail) {
    draft.tail = [draft.at[0], round4(Math.min(1, draft.box[3] + 0.12))];
  }
}

// The scene's elements as the texts form or the server give them, drawn from the drafts it
// had: a text that keeps its kind and words keeps its draft; the others are shaped again.
function redrafted(panel, elements, before) {
  return elements.map((element, index) => {
    const old = before[index];
    if (old && old.kind === element.kind && old.text === element.text) {
      return { ...old, ...element, at: old.at, tail: old.tail, box: old.box, lines: old.lines };
    }
    const draft = { ...element, atSet: Boolean(element.at), tailSet: Boolean(element.tail),
                    width: element.width ?? (old && old.width) ?? null,
                    at: element.at || (old && old.at) || [0.5, 0.2],
                    tail: element.tail || (old && old.tail) || null,
                    box: (old && old.box) || [0.5, 0.2, 0.5, 0.2], lines: [] };
    if (!element.text || !reshape(panel, draft)) draft.lines = element.text ? [element.text] : [];
    ensureTail(draft);
    return draft;
  });
}

// The scene's elements for the API, from its drafts: a moved or resized one carries its place.
function elementsFor(number) {
  return overlay.drafts[number].map((draft) => {
    const item = { kind: draft.kind, text: draft.text };
    for (const [key, value] of Object.entries(draft)) {
      if (!["at", "tail", "box", "lines", "atSet", "tailSet", "width", "speaker", "kind",
            "text", "joined"].includes(key) && value !== undefined && value !== null) {
        item[key] = value; // what the form keeps too (a sound's angle)
      }
    }
    if (kindHasSpeaker(draft.kind) && draft.speaker) item.speaker = draft.speaker;
    if (draft.atSet) item.at = draft.at;
    if (draft.tailSet && draft.tail && kindHasSpeaker(draft.kind)) item.tail = draft.tail;
    if (draft.width) item.width = draft.width;
    return item;
  });
}

export const snapshot = (number) => ({ drafts: copy(overlay.drafts[number]),
                                       elements: elementsFor(number) });

// What a scene's texts say, as the server keeps them (spaces folded), to know a save's answer.
const wordsOf = (elements) => JSON.stringify(elements.map((e) => [e.kind, (e.text || "")
  .split(/\s+/).filter(Boolean).join(" ")]));

// The texts form of scene `number` is saving `elements`: once the cartoon shows them, that
// save can be undone (an answer of a request sent before it, still without them, is no edit).
export function expectSave(number, elements) {
  const saved = overlay.saved[number];
  if (!saved) return;
  overlay.expecting[number] = { words: wordsOf(elements),
                                before: { drafts: saved.drafts, elements: JSON.parse(saved.elements) } };
}

// The scenes whose awaited texts the cartoon now shows: [[scene, before]].
function arrived(cartoon) {
  return cartoon.scenes.filter((scene) => {
    const waiting = overlay.expecting[scene.number];
    return waiting && waiting.words === wordsOf(scene.elements);
  }).map((scene) => {
    const { before } = overlay.expecting[scene.number];
    delete overlay.expecting[scene.number];
    return [scene, before];
  });
}

// Brings the drafts in line with the cartoon as loaded: all of them from the server's geometry
// when it changed (a recomposition came back); a scene whose texts form's save came back is
// drawn again from its drafts; either way that save can be undone. Returns the scenes whose
// drafts changed, or "all".
export function syncDrafts() {
  const { cartoon } = cartoonPage;
  const saves = arrived(cartoon);
  const geometry = JSON.stringify(cartoon.panels);
  if (geometry !== overlay.geometry && cartoon.panels.length) {
    overlay.geometry = geometry;
    overlay.panels = cartoon.panels;
    overlay.drafts = {};
    for (const panel of cartoon.panels) {
      const scene = sceneOf(panel.number);
      if (!scene || !panel.text_px && panel.elements.length) continue;
      overlay.drafts[panel.number] = panel.elements.length === scene.elements.length
        ? fromServer(panel, scene) : redrafted(panel, scene.elements, fromServer(panel, scene));
      overlay.saved[panel.number] = { drafts: copy(overlay.drafts[panel.number]),
                                      elements: JSON.stringify(scene.elements) };
    }
    saves.forEach(([scene, before]) => remember(scene.number, before, scene.elements));
    return "all";
  }
  return saves.filter(([scene]) => panelOf(scene.number)).map(([scene, before]) => {
    overlay.drafts[scene.number] = redrafted(panelOf(scene.number), scene.elements, before.drafts);
    remember(scene.number, before, scene.elements);
    return scene.number;
  });
}

// The texts as the owner types them in the scene's form: drawn at once, saved with the form.
export function previewTexts(number, elements) {
  const panel = panelOf(number);
  const saved = overlay.saved[number];
  if (!panel || !saved) return false;
  overlay.drafts[number] = redrafted(panel, elements, saved.drafts);
  return true;
}

function remember(number, before, elements) {
  const after = { drafts: copy(overlay.drafts[number]), elements: copy(elements) };
  overlay.saved[number] = { drafts: after.drafts, elements: JSON.stringify(elements) };
  overlay.undo.push({ scene: number, before, after });
  overlay.redo = [];
}

// ---- the edits, each on a draft (the overlay draws it again at once) ----

// Moves a balloon to `at` (fractions of its panel), or its tail's tip to `tip`.
export function moveTo(number, index, at) {
  const draft = draftOf(number, index);
  const panel = panelOf(number);
  const [w, h] = sizeOf(panel, draft);
  const tail = draft.tail;
  placeBox(panel, draft, at, w, h);
  draft.tail = tail;
  draft.atSet = true;
}

export function tipTo(number, index, tip) {
  const draft = draftOf(number, index);
  draft.tail = [round4(clamp(tip[0], 0, 1)), round4(clamp(tip[1], 0, 1))];
  draft.tailSet = true;
  draft.atSet = true; // the balloon stays where it is
}

// The owner's box width, `width` of the panel's width: the text rewraps to it. The box keeps
// its left edge (a drag of its right edge) or its centre (`centred`, the keyboard). False when
// the text does not fit so (a word wider, or taller than the panel): nothing changes.
export function widthTo(number, index, width, centred = false) {
  const draft = draftOf(number, index);
  const panel = panelOf(number);
  const c = cellOf(panel);
  const { min, max } = cartoonPage.options.box_width;
  const wanted = round4(clamp(width, min, max));
  const shape = shapeAt(draft.kind, draft.text, panel.text_px, wanted, c.w);
  if (!shape || shape.h > c.h) return false;
  const left = draft.box[0] * c.w;
  const centre = centred ? draft.at[0] : (left + shape.w / 2) / c.w;
  draft.lines = shape.lines;
  draft.width = wanted;
  const tail = draft.tail;
  placeBox(panel, draft, [centre, draft.at[1]], shape.w, shape.h);
  draft.tail = tail;
  draft.atSet = true;
  return true;
}

export function kindTo(number, index, kind) {
  const draft = draftOf(number, index);
  const panel = panelOf(number);
  const scene = sceneOf(number);
  if (kindHasSpeaker(kind) && !draft.speaker) draft.speaker = scene.characters[0];
  if (!kindHasSpeaker(kind)) delete draft.speaker;
  draft.kind = kind;
  draft.atSet = true;
  const c = cellOf(panel);
  const shape = (draft.width ? shapeAt(kind, draft.text, panel.text_px, draft.width, c.w)
    : shapeFor(kind, draft.text, panel.text_px, sizeOf(panel, draft)[0] + 1)) ||
    idealShape(kind, draft.text, panel.text_px, c.w, c.h);
  if (shape) {
    draft.lines = shape.lines;
    placeBox(panel, draft, draft.at, shape.w, shape.h);
  }
  ensureTail(draft);
}

// Puts a scene's drafts back as `state` had them.
export function restore(number, state) {
  overlay.drafts[number] = copy(state.drafts);
}

// ---- saving, undo and redo ----

// Saves scene `number` as drawn now; `before` is what it was (a snapshot). The server's answer
// becomes the cartoon; a refusal brings `before` back and calls `refused(error)`.
export function commit(number, before, { refused, done }) {
  const after = snapshot(number);
  if (JSON.stringify(after.elements) === JSON.stringify(before.elements)) return overlay.saving;
  return patchScene(number, after, () => {
    overlay.undo.push({ scene: number, before, after });
    overlay.redo = [];
  }, () => restore(number, before), { refused, done });
}

function patchScene(number, state, onSaved, onRefused, { refused, done }) {
  overlay.saving = overlay.saving.then(async () => {
    try {
      const cartoon = await Api.patch(
        `/api/cartoons/${encodeURIComponent(cartoonPage.id)}/scenes/${number}`,
        { elements: state.elements });
      const scene = cartoon.scenes.find((s) => s.number === number);
      overlay.saved[number] = { drafts: copy(state.drafts), elements: JSON.stringify(scene.elements) };
      onSaved();
      cartoonPage.cartoon = cartoon;
      if (done) done();
    } catch (error) {
      onRefused();
      if (refused) refused(error);
    }
  });
  return overlay.saving;
}

// Undoes (or redoes, `back` false) the last edit: drawn at once, then saved.
export function undoStep(back, hooks) {
  const from = back ? overlay.undo : overlay.redo;
  const to = back ? overlay.redo : overlay.undo;
  const entry = from.pop();
  if (!entry) return null;
  const state = back ? entry.before : entry.after;
  restore(entry.scene, state);
  to.push(entry); // at once: the next undo or redo goes on from here
  patchScene(entry.scene, state, () => {}, () => {
    restore(entry.scene, back ? entry.after : entry.before);
    to.splice(to.indexOf(entry), 1);
    from.push(entry);
  }, hooks);
  return entry.scene;
}
