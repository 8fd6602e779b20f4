// The create page: context, style, layout, characters and scenes (each with who stands where and
// its texts: captions, speech and thought balloons), the cost before submitting, a warning as
// you type when a text will not fit its panel (POST /api/cartoons/lettering-check, the check the
// submission runs), then POST /api/cartoons with an Idempotency-Key so a double click or a retry
// after a network error never pays twice.
//
// Characters are known by a key of their row, not by their name: renaming one keeps it ticked in
// its scenes, on its side and as the speaker of its balloons. The body names them as typed.
//
// CreateForm lets the page's other modules (draft.js, library.js) fill and extend the form:
//   ready                  a Promise, resolved once the form is built
//   fill(draft)            replaces the form with a POST /api/cartoons body
//   addCharacter({name, description, saved_id})  a character row (reusing an empty one)
//   registerExtra(fn)      fn() returns an object merged into the body sent
//   changed()              call after changing what an extra returns: re-quotes, re-checks
//   current()              the body as it would be sent now
//
// The page is split by what each part does: create-state.js (its one state object, createPage),
// create-layouts.js, create-cast.js, create-scenes.js, create-body.js (the body, counts and
// cost), create-check.js (problems and the lettering check), create-fill.js, create-submit.js.
import { $, el, show } from "./dom.js";
import { mountDraft } from "./draft.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";
import { mountLibrary } from "./library.js";
import { loadOptions } from "./options.js";
import { collect, showCost } from "./create-body.js";
import { characterRow } from "./create-cast.js";
import { clearProblem, scheduleCheck } from "./create-check.js";
import { addCharacter, fillForm } from "./create-fill.js";
import { buildLayouts } from "./create-layouts.js";
import { refreshScenes, sceneRow, tickNamed } from "./create-scenes.js";
import { createPage } from "./create-state.js";
import { keepDraft, restoreDraft, submit } from "./create-submit.js";

function changed() {
  createPage.idempotencyKey = null; // a different cartoon is a different submission
  refreshScenes();
  showCost();
  scheduleCheck();
}

// A style or a quality the API offers, named from the catalogue (or, for one the catalogue does
// not know yet, as the API names it, marked as the API's words).
function labelOf(prefix, item) {
  const key = prefix + item.key.replace(/-/g, "_");
  return I18n.has(key) ? I18n.t(key) : item.label;
}

function named(prefix, item) {
  const key = prefix + item.key.replace(/-/g, "_");
  const known = I18n.has(key);
  return el("option", { value: item.key, "data-external-text": known ? null : "" },
            known ? I18n.t(key) : item.label);
}

const CreateForm = Object.freeze({
  ready: new Promise((resolve) => { createPage.resolveReady = resolve; }),
  // Before the form is built, a call waits for it (and answers through a Promise).
  fill: (draft) => (createPage.options ? fillForm(draft) : CreateForm.ready.then(() => fillForm(draft))),
  addCharacter: (character) => (createPage.options ? addCharacter(character || {})
    : CreateForm.ready.then(() => addCharacter(character || {}))),
  registerExtra: (fn) => { createPage.extras.push(fn); if (createPage.options) changed(); },
  changed: () => { if (createPage.options) changed(); },
  current: () => (createPage.options ? collect() : null),
});
// The browser tests fill the form through it, as the draft does.
window.CreateForm = CreateForm;

async function start() {
  createPage.me = await requireAccount();
  if (!createPage.me) return;
  createPage.options = await loadOptions();
  createPage.changed = changed;
  mountDraft(CreateForm, createPage.options);
  mountLibrary(CreateForm);
  $("#style").append(...createPage.options.styles.map((s) => named("style.", s)),
    el("option", { value: "custom" }, I18n.t("create.style_custom")));
  $("#quality").append(...createPage.options.qualities.map((q) => el("option", { value: q.key },
    I18n.t("create.quality_option", {
      label: labelOf("create.quality_", q),
      credits: I18n.t("credits.count", { n: q.credits_per_scene }) }))));
  $("#style").addEventListener("change", () => {
    show($("#style-custom"), $("#style").value === "custom");
  });
  buildLayouts();
  $("#layout-hint").textContent = I18n.t("create.layout_hint",
                                         { n: createPage.options.limits.scenes });
  $("#character-list").append(characterRow());
  $("#scene-list").append(sceneRow());
  $("#add-character").addEventListener("click", () => {
    $("#character-list").append(characterRow());
    changed();
    $(".character:last-child .character-name").focus();
  });
  $("#add-scene").addEventListener("click", () => {
    $("#scene-list").append(sceneRow());
    changed();
    $(".scene:last-child .scene-action").focus();
  });
  const form = $("#create-form");
  form.addEventListener("input", (event) => {
    const target = event.target;
    createPage.idempotencyKey = null;
    if (target.classList.contains("character-name")) refreshScenes();
    // what is retyped loses its own mark; the others stay until they are fixed too
    const own = document.querySelector(
      `.field-problem[data-source="submit"][data-for="${CSS.escape(target.id || "")}"]`);
    if (own) clearProblem(own);
    if (target.closest(".scene") || target.name === "layout") scheduleCheck();
  });
  form.addEventListener("change", (event) => {
    if (event.target.classList.contains("element-speaker") ||
        event.target.name === "layout") scheduleCheck();
    showCost();
  });
  form.addEventListener("submit", submit);
  form.addEventListener("input", (event) => {
    if (event.target.classList.contains("scene-action")) tickNamed(event.target.closest(".scene"));
    keepDraft();
  });
  // A character named once the actions are written: ticked where an action names it (on
  // leaving the name, so that a half-typed one never ticks on a word it happens to spell).
  form.addEventListener("change", (event) => {
    if (event.target.classList.contains("character-name")) {
      document.querySelectorAll(".scene").forEach(tickNamed);
    }
  });
  form.addEventListener("change", keepDraft);
  changed();
  restoreDraft();
  createPage.resolveReady(CreateForm);
}

drawFrame();
await start();
