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
import { Api } from "./api.js";
import { $, el, message, show } from "./dom.js";
import { mountDraft } from "./draft.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";
import { mountLibrary } from "./library.js";

let options = null;
let me = null;
let idempotencyKey = null;
let nextKey = 1;
const extras = [];

// Words come from the catalogue (js/strings.js), asked for when shown, so that they follow
// the page's language.
const SIDES = [["left", () => I18n.t("create.side_left")],
               ["centre", () => I18n.t("create.side_centre")],
               ["right", () => I18n.t("create.side_right")]];
const KINDS = {
  caption: { label: () => I18n.t("create.kind_caption"), add: () => I18n.t("create.add_caption"),
             placeholder: () => I18n.t("create.placeholder_caption") },
  speech: { label: () => I18n.t("create.kind_speech"), add: () => I18n.t("create.add_speech"),
            placeholder: () => I18n.t("create.placeholder_speech") },
  thought: { label: () => I18n.t("create.kind_thought"), add: () => I18n.t("create.add_thought"),
             placeholder: () => I18n.t("create.placeholder_thought") },
};
// The layouts the engine offers (comic/layouts.py), each with a pictogram: cells as
// [x, y, w, h] on a 40 x 48 page.
const LAYOUTS = {
  auto: { label: () => I18n.t("create.layout_auto"), hint: () => I18n.t("create.layout_auto_hint"),
          cells: [[3, 3, 34, 12], [3, 18, 16, 12], [21, 18, 16, 12], [3, 33, 34, 12]] },
  strip: { label: () => I18n.t("create.layout_strip"),
           hint: () => I18n.t("create.layout_strip_hint"),
           cells: [[2, 17, 8, 14], [11.3, 17, 8, 14], [20.6, 17, 8, 14], [30, 17, 8, 14]] },
  grid: { label: () => I18n.t("create.layout_grid"), hint: () => I18n.t("create.layout_grid_hint"),
          cells: [[3, 6, 16, 16], [21, 6, 16, 16], [3, 26, 16, 16], [21, 26, 16, 16]] },
  tiers: { label: () => I18n.t("create.layout_tiers"),
           hint: () => I18n.t("create.layout_tiers_hint"),
           cells: [[3, 3, 34, 12], [3, 18, 16, 12], [21, 18, 16, 12], [3, 33, 16, 12],
                   [21, 33, 16, 12]] },
  webtoon: { label: () => I18n.t("create.layout_webtoon"),
             hint: () => I18n.t("create.layout_webtoon_hint"),
             cells: [[10, 2, 20, 10], [10, 14, 20, 10], [10, 26, 20, 10], [10, 38, 20, 8]] },
};
// An API error's code (a refused submission, the lettering check) in plain words, by the field
// it names; `limit` is that field's length limit when the page knows it.
const PLAIN = {
  text_does_not_fit: () => I18n.t("create.problem_does_not_fit"),
  does_not_fit: () => I18n.t("create.problem_does_not_fit"),
  overlaps: () => I18n.t("create.problem_overlaps"),
  too_many: () => I18n.t("create.problem_too_many", { n: options.limits.elements }),
  invalid: () => I18n.t("create.problem_invalid"),
  missing_field: () => I18n.t("create.problem_missing"),
  too_short: () => I18n.t("create.problem_missing"),
  too_long: (limit) => (limit ? I18n.t("create.problem_too_long", { n: limit })
    : I18n.t("create.problem_too_long_plain")),
  duplicate_name: () => I18n.t("create.problem_duplicate"),
  content_flagged: () => I18n.t("create.problem_flagged"),
  unknown_character: () => I18n.t("create.problem_not_in_cast"),
  unknown_saved_character: () => I18n.t("create.problem_unknown_saved"),
  wrong_count: () => I18n.t("create.problem_wrong_count"),
};

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- the layout choice ----------------------------------------------------------------------

function pictogram(cells, key) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 40 48");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `layout-picture ${key}`);
  const page = document.createElementNS(ns, "rect");
  Object.entries({ x: 0.5, y: 0.5, width: 39, height: 47, rx: 2, class: "page" })
    .forEach(([k, v]) => page.setAttribute(k, v));
  svg.append(page);
  for (const [x, y, width, height] of cells) {
    const rect = document.createElementNS(ns, "rect");
    Object.entries({ x, y, width, height, rx: 1, class: "cell" })
      .forEach(([k, v]) => rect.setAttribute(k, v));
    svg.append(rect);
  }
  return svg;
}

function buildLayouts() {
  const keys = (options.layouts || Object.keys(LAYOUTS)).filter((key) => LAYOUTS[key]);
  $("#layout-options").replaceChildren(...keys.map((key) => {
    const layout = LAYOUTS[key];
    return el("label", { class: "layout-option" },
      el("input", { type: "radio", name: "layout", value: key, checked: key === "auto",
                    "aria-describedby": `layout-hint-${key}` }),
      pictogram(layout.cells, key),
      el("span", { class: "layout-label" }, layout.label()),
      el("span", { class: "layout-hint", id: `layout-hint-${key}` }, layout.hint()));
  }));
}

function layoutValue() {
  const checked = $("input[name=layout]:checked");
  return checked ? checked.value : "auto";
}

function setLayout(value) {
  const radio = $(`input[name=layout][value="${CSS.escape(value || "auto")}"]`) ||
                $("input[name=layout][value=auto]");
  if (radio) radio.checked = true;
}

// --- characters -----------------------------------------------------------------------------

function characterRow(character) {
  character = character || {};
  const key = `c${nextKey++}`;
  const row = el("div", { class: "row-card character", "data-key": key },
    el("div", { class: "row-head" },
      el("strong", { class: "row-title" }, I18n.t("create.character_title", { n: "" }).trim()),
      el("button", { type: "button", class: "button ghost small remove",
                     onclick: () => { row.remove(); changed(); } }, I18n.t("create.remove"))),
    el("label", {}, I18n.t("create.name_label"),
      el("input", { class: "character-name", maxlength: options.limits.name, required: true,
                    placeholder: I18n.t("create.name_placeholder"), value: character.name || "" })),
    el("label", {}, I18n.t("create.description_label"),
      el("textarea", { class: "character-description", translate: "no",
                       maxlength: options.limits.description,
                       required: true, rows: 2,
                       placeholder: I18n.t("create.description_placeholder") },
        character.description || "")));
  if (character.saved_id) row.dataset.savedId = character.saved_id;
  return row;
}

// [{key, name}] of the characters with a name, in order.
function characters() {
  return Array.from(document.querySelectorAll(".character"), (row) => ({
    key: row.dataset.key, name: $(".character-name", row).value.trim(),
  })).filter((c) => c.name);
}

function nameOf(key) {
  const found = characters().find((c) => c.key === key);
  return found ? found.name : "";
}

function keyOf(name) {
  const wanted = String(name || "").trim().toLocaleLowerCase();
  const found = characters().find((c) => c.name.toLocaleLowerCase() === wanted);
  return found ? found.key : "";
}

// --- scenes ---------------------------------------------------------------------------------

function sceneRow(scene) {
  const row = el("div", { class: "row-card scene" },
    el("div", { class: "row-head" },
      el("strong", { class: "row-title" }, I18n.t("create.scene_title", { n: "" }).trim()),
      el("button", { type: "button", class: "button ghost small remove",
                     onclick: () => { row.remove(); changed(); } }, I18n.t("create.remove"))),
    el("label", {}, I18n.t("create.action_label"),
      el("textarea", { class: "scene-action", translate: "no", maxlength: options.limits.action,
                       required: true,
                       rows: 2, placeholder: I18n.t("create.action_placeholder") },
        (scene && scene.action) || "")),
    el("fieldset", { class: "scene-cast" }, el("legend", {}, I18n.t("create.who_appears"))),
    el("fieldset", { class: "scene-staging", hidden: true },
      el("legend", {}, I18n.t("create.where_they_stand")),
      el("div", { class: "staging-list" })),
    el("fieldset", { class: "scene-elements" },
      el("legend", {}, I18n.t("create.texts_legend")),
      el("ol", { class: "element-list" }),
      el("p", { class: "hint elements-hint" }),
      el("div", { class: "actions element-add" },
        ...Object.entries(KINDS).map(([kind, about]) => el("button", {
          type: "button", class: "button ghost small", "data-kind": kind,
          onclick: () => {
            const item = elementRow(row, { kind });
            $(".element-list", row).append(item);
            changed();
            $(".element-text", item).focus();
          } }, about.add())))));
  row.dataset.cast = JSON.stringify([]);
  row.dataset.staging = JSON.stringify({});
  return row;
}

function cast(row) {
  return Array.from(row.querySelectorAll(".scene-cast input:checked"), (box) => box.value);
}

function staging(row) {
  return JSON.parse(row.dataset.staging || "{}");
}

// Where each of the scene's characters stands: as the person chose, otherwise as the engine
// would (lettering.default_staging: one in the centre, two left and right, three across), and
// a newcomer on a free side when there is one.
function arrange(keys, chosen, touched) {
  const spots = { 1: ["centre"], 2: ["left", "right"] }[keys.length] || ["left", "centre", "right"];
  if (!touched) return Object.fromEntries(keys.map((key, i) => [key, spots[i % spots.length]]));
  const out = {};
  keys.filter((key) => chosen[key]).forEach((key) => { out[key] = chosen[key]; });
  keys.filter((key) => !chosen[key]).forEach((key, i) => {
    const used = new Set(Object.values(out));
    out[key] = spots.find((side) => !used.has(side)) ||
               SIDES.map(([side]) => side).find((side) => !used.has(side)) ||
               spots[i % spots.length];
  });
  return out;
}

// One character moved: whoever stood there takes its old place, so no two share a side while
// there are sides enough.
function moveCharacter(row, key, side) {
  const current = staging(row);
  const old = current[key];
  const other = Object.keys(current).find((k) => k !== key && current[k] === side);
  current[key] = side;
  if (other && old) current[other] = old;
  row.dataset.staging = JSON.stringify(current);
  row.dataset.stagingTouched = "1";
  changed();
}

function refreshStaging(row) {
  const keys = cast(row);
  const place = arrange(keys, staging(row), row.dataset.stagingTouched === "1");
  row.dataset.staging = JSON.stringify(place);
  const fieldset = $(".scene-staging", row);
  show(fieldset, keys.length > 0);
  const selects = Array.from(row.querySelectorAll(".staging-side"));
  if (selects.map((s) => s.dataset.key).join() === keys.join()) {
    // the same people: update in place, so a select being changed keeps the focus
    selects.forEach((select) => {
      const name = nameOf(select.dataset.key);
      select.value = place[select.dataset.key];
      select.setAttribute("aria-label", I18n.t("create.where_stands", { name }));
      select.previousElementSibling.textContent = name;
    });
    return;
  }
  $(".staging-list", row).replaceChildren(...keys.map((key) => {
    const name = nameOf(key);
    return el("label", { class: "staging-row" },
      el("span", { class: "staging-name", translate: "no" }, name),
      el("select", { class: "staging-side", "data-key": key,
                     "aria-label": I18n.t("create.where_stands", { name }),
                     onchange: (event) => moveCharacter(row, key, event.target.value) },
        ...SIDES.map(([side, label]) => el("option", { value: side,
                                                      selected: place[key] === side }, label()))));
  }));
}

// --- a scene's texts ------------------------------------------------------------------------

function elementRow(sceneRowNode, element) {
  const kind = KINDS[element.kind] ? element.kind : "caption";
  const id = `text-${nextKey++}`;
  const item = el("li", { class: `element ${kind}`, "data-kind": kind },
    el("div", { class: "element-head" },
      el("label", { class: "element-kind", for: id }, KINDS[kind].label()),
      kind === "caption" ? null : el("label", { class: "element-speaker-label" },
        I18n.t("create.said_by"),
        el("select", { class: "element-speaker", "data-key": element.speakerKey || "",
                       onchange: (event) => { event.target.dataset.key = event.target.value; } })),
      el("span", { class: "element-tools" },
        el("button", { type: "button", class: "button ghost small icon move-up",
                       "aria-label": I18n.t("create.move_up_label"),
                       title: I18n.t("create.move_up"),
                       onclick: () => moveElement(item, -1) }, glyph("↑")),
        el("button", { type: "button", class: "button ghost small icon move-down",
                       "aria-label": I18n.t("create.move_down_label"),
                       title: I18n.t("create.move_down"),
                       onclick: () => moveElement(item, 1) }, glyph("↓")),
        el("button", { type: "button", class: "button ghost small icon remove-element",
                       "aria-label": I18n.t("create.remove_text_label"),
                       title: I18n.t("create.remove"),
                       onclick: () => { removeElement(item); } }, glyph("✕")))),
    el("textarea", { class: "element-text", id, translate: "no", rows: 2,
                     maxlength: options.limits.text,
                     placeholder: KINDS[kind].placeholder() }, element.text || ""));
  return item;
}

// A button's arrow or cross: a picture, not words (the button's aria-label says what it does).
function glyph(symbol) {
  return el("span", { "aria-hidden": "true", translate: "no" }, symbol);
}

function moveElement(item, step) {
  const sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
  if (!sibling) return;
  if (step < 0) sibling.before(item); else sibling.after(item);
  changed();
  const button = $(step < 0 ? ".move-up" : ".move-down", item);
  (button.disabled ? $(".element-text", item) : button).focus();
}

function removeElement(item) {
  const next = item.nextElementSibling || item.previousElementSibling;
  const scene = item.closest(".scene");
  item.remove();
  changed();
  const focus = next ? $(".element-text", next) : $(".element-add button", scene);
  if (focus) focus.focus();
}

function refreshElements(row, index) {
  const keys = cast(row);
  const items = Array.from(row.querySelectorAll(".element"));
  items.forEach((item, i) => {
    const label = KINDS[item.dataset.kind].label();
    $(".element-kind", item).textContent = I18n.t("create.element_numbered", { n: i + 1, label });
    $(".element-text", item).setAttribute("aria-label",
      I18n.t("create.element_aria", { scene: index + 1, n: i + 1, label }));
    $(".move-up", item).disabled = i === 0;
    $(".move-down", item).disabled = i === items.length - 1;
    const speaker = $(".element-speaker", item);
    if (speaker) {
      // a new balloon goes to the only one there; one whose speaker left waits for a choice
      // (and gets them back if they are ticked again)
      const wanted = keys.includes(speaker.dataset.key) ? speaker.dataset.key
        : (!speaker.dataset.key && keys.length === 1 ? keys[0] : "");
      if (wanted) speaker.dataset.key = wanted;
      speaker.replaceChildren(
        ...(wanted ? [] : [el("option", { value: "" }, I18n.t("create.who_says"))]),
        ...keys.map((key) => el("option", { value: key, selected: key === wanted, translate: "no" },
                                nameOf(key))));
      speaker.value = wanted;
    }
  });
  const full = items.length >= options.limits.elements;
  row.querySelectorAll(".element-add button").forEach((button) => {
    button.disabled = full || (button.dataset.kind !== "caption" && !keys.length);
  });
  $(".elements-hint", row).textContent = full
    ? I18n.t("create.elements_full", { n: options.limits.elements })
    : (keys.length ? "" : I18n.t("create.tick_first"));
  show($(".elements-hint", row), Boolean($(".elements-hint", row).textContent));
}

// Keep each scene's checkboxes, sides and speakers in step with the characters' names.
function refreshScenes() {
  const named = characters();
  document.querySelectorAll(".scene").forEach((row, index) => {
    $(".row-title", row).textContent = I18n.t("create.scene_title", { n: index + 1 });
    const fieldset = $(".scene-cast", row);
    const known = new Set(named.map((c) => c.key));
    const ticked = new Set(JSON.parse(row.dataset.cast || "[]").filter((k) => known.has(k)));
    const boxes = Array.from(fieldset.querySelectorAll("input"));
    const same = boxes.map((box) => box.value).join() === named.map((c) => c.key).join();
    if (same && named.length) {
      // the same characters: rename in place, so a box being ticked keeps the focus
      boxes.forEach((box, i) => {
        box.checked = ticked.has(box.value);
        box.nextSibling.textContent = ` ${named[i].name}`;
      });
    } else fieldset.querySelectorAll("label").forEach((label) => label.remove());
    if (!same || !named.length) named.forEach(({ key, name }) => {
      fieldset.append(el("label", { class: "check", translate: "no" },
        el("input", { type: "checkbox", value: key, checked: ticked.has(key),
                      onchange: (event) => {
                        const unticked = new Set(JSON.parse(row.dataset.unticked || "[]"));
                        if (event.target.checked) unticked.delete(key); else unticked.add(key);
                        row.dataset.unticked = JSON.stringify([...unticked]);
                        row.dataset.cast = JSON.stringify(cast(row));
                        changed();
                      } }),
        ` ${name}`));
    });
    if (!named.length) fieldset.append(el("p", { class: "hint" }, I18n.t("create.name_first")));
    // One whose name is being retyped (blank for a moment) keeps its tick, side and balloons.
    const rows = new Set(Array.from(document.querySelectorAll(".character"), (r) => r.dataset.key));
    const waiting = JSON.parse(row.dataset.cast || "[]").filter((k) => rows.has(k) && !known.has(k));
    const sides = staging(row);
    row.dataset.cast = JSON.stringify(cast(row));
    refreshStaging(row);
    row.dataset.cast = JSON.stringify([...cast(row), ...waiting]);
    row.dataset.staging = JSON.stringify({
      ...Object.fromEntries(waiting.filter((k) => sides[k]).map((k) => [k, sides[k]])),
      ...staging(row) });
    refreshElements(row, index);
  });
  document.querySelectorAll(".character").forEach((row, index) => {
    $(".row-title", row).textContent = I18n.t("create.character_title", { n: index + 1 });
  });
}

function counts() {
  const characterCount = document.querySelectorAll(".character").length;
  const scenes = document.querySelectorAll(".scene").length;
  $("#character-count").textContent = I18n.t("create.count",
    { n: characterCount, max: options.limits.characters });
  $("#scene-count").textContent = I18n.t("create.count", { n: scenes, max: options.limits.scenes });
  $("#add-character").disabled = characterCount >= options.limits.characters;
  $("#add-scene").disabled = scenes >= options.limits.scenes;
  document.querySelectorAll(".character .remove").forEach((b) => { b.disabled = characterCount <= 1; });
  document.querySelectorAll(".scene .remove").forEach((b) => { b.disabled = scenes <= 1; });
  return { characters: characterCount, scenes };
}

function showCost() {
  const { scenes } = counts();
  const quality = options.qualities.find((q) => q.key === $("#quality").value);
  // Each character's reference picture is drawn first, at the best tier; one picked from the
  // library is reused for nothing.
  const drawn = Array.from(document.querySelectorAll(".character"))
    .filter((row) => !row.dataset.savedId && $(".character-name", row).value.trim()).length;
  const each = options.reference ? options.reference.credits : 0;
  const panels = quality.credits_per_scene * scenes;
  const total = panels + each * drawn;
  const balance = me ? me.balance : 0;
  const credits = (n) => I18n.t("credits.count", { n });
  const vars = { scenes: I18n.t("scenes.count", { n: scenes }),
                 each: credits(quality.credits_per_scene), total: credits(total),
                 balance: credits(balance) };
  $("#cost").textContent = drawn && each
    ? I18n.t("create.cost_with_references", { ...vars, per_picture: credits(each),
                                              pictures: I18n.t("create.pictures", { n: drawn }) })
    : I18n.t("create.cost", vars);
  $("#cost").dataset.total = total;
  const short = total > balance;
  $("#cost").classList.toggle("short", short);
  show($("#buy-credits"), short);
  $("#create-submit").textContent = I18n.t("create.submit_cost", { credits: credits(total) });
}

function changed() {
  idempotencyKey = null; // a different cartoon is a different submission
  refreshScenes();
  showCost();
  scheduleCheck();
}

function styleValue() {
  return $("#style").value === "custom" ? $("#style-custom").value : $("#style").value;
}

// A scene's texts as the API takes them; `forCheck` blanks a balloon that has no speaker yet
// (the check skips blank texts, and the page says "Who says it?" itself).
function sceneElements(row, forCheck) {
  return Array.from(row.querySelectorAll(".element"), (item) => {
    const element = { kind: item.dataset.kind, text: $(".element-text", item).value };
    const speaker = $(".element-speaker", item);
    if (speaker) {
      element.speaker = nameOf(speaker.value);
      if (forCheck && !element.speaker) element.text = "";
    }
    return element;
  });
}

function sceneBody(row, forCheck) {
  const keys = cast(row);
  const place = staging(row);
  return {
    action: $(".scene-action", row).value,
    characters: keys.map(nameOf),
    staging: Object.fromEntries(keys.map((key) => [nameOf(key), place[key]])),
    elements: sceneElements(row, forCheck),
  };
}

function collect() {
  const body = {
    title: $("#title").value,
    context: $("#context").value,
    style: styleValue(),
    quality: $("#quality").value,
    layout: layoutValue(),
    characters: Array.from(document.querySelectorAll(".character"), (row) => {
      const character = { name: $(".character-name", row).value,
                          description: $(".character-description", row).value };
      if (row.dataset.savedId) character.saved_id = row.dataset.savedId;
      return character;
    }),
    scenes: Array.from(document.querySelectorAll(".scene"), (row) => sceneBody(row, false)),
  };
  for (const extra of extras) Object.assign(body, extra() || {});
  return body;
}

// --- problems shown next to their field -------------------------------------------------------

// "scenes[2].elements[1].text" -> the input that holds it, to point the person at it.
function inputFor(field) {
  if (!field) return null;
  if (field === "layout") return $("input[name=layout]:checked") || $("input[name=layout]");
  const match = field.match(/^(characters|scenes)\[(\d+)\](?:\.(\w+))?(?:\[(\d+)\])?(?:\.(.+))?/);
  if (!match) {
    return { title: $("#title"), context: $("#context"), quality: $("#quality"),
             style: $("#style").value === "custom" ? $("#style-custom") : $("#style") }[field];
  }
  const [, group, index, name, sub, rest] = match;
  const rows = document.querySelectorAll(group === "characters" ? ".character" : ".scene");
  const row = rows[Number(index)];
  if (!row) return null;
  if (name === "elements") {
    const item = sub === undefined ? null : row.querySelectorAll(".element")[Number(sub)];
    if (!item) return $(".element-add button", row);
    return $(rest === "speaker" ? ".element-speaker" : ".element-text", item) ||
           $(".element-text", item);
  }
  if (name === "staging") {
    const key = keyOf(sub === undefined ? rest : "");
    return (key && $(`.staging-side[data-key="${key}"]`, row)) || $(".staging-side", row);
  }
  if (name === "characters") return $(".scene-cast input", row);
  const classes = { name: ".character-name", description: ".character-description",
                    action: ".scene-action", caption: ".element-text", dialogue: ".element-text",
                    speaker: ".element-speaker" };
  return $(classes[name] || "input, textarea", row);
}

// Never the API's own words here: they name fields as paths ("scenes[2].elements[0].text").
function plainMessage(error, input) {
  if (error.code === "unknown_character" && input && input.classList.contains("element-speaker")) {
    return I18n.t("create.problem_speaker_in_scene");
  }
  const limit = input && Number(input.getAttribute("maxlength"));
  return PLAIN[error.code] ? PLAIN[error.code](limit) : I18n.t("create.problem_invalid_field");
}

// What the page knows without asking: every required field filled, lengths within the limits
// of /api/cartoons/options, names that differ, and a speaker for each balloon. [{input, text}]
// of every problem, in the order of the page, so that all are shown at once.
function ruleProblems() {
  const out = [];
  const check = (input, { required = true, limit } = {}) => {
    const value = input.value.trim();
    if (required && !value) out.push({ input, text: I18n.t("create.problem_missing") });
    else if (limit && value.length > limit) {
      out.push({ input, text: I18n.t("create.problem_too_long", { n: limit }) });
    }
  };
  const limits = options.limits;
  check($("#title"), { limit: limits.title });
  check($("#context"), { limit: limits.context });
  if ($("#style").value === "custom") check($("#style-custom"), { limit: limits.style });
  const seen = new Set();
  document.querySelectorAll(".character").forEach((row) => {
    const name = $(".character-name", row);
    check(name, { limit: limits.name });
    const folded = name.value.trim().toLocaleLowerCase();
    if (folded && seen.has(folded)) {
      out.push({ input: name, text: I18n.t("create.problem_duplicate") });
    }
    seen.add(folded);
    check($(".character-description", row), { limit: limits.description });
  });
  document.querySelectorAll(".scene").forEach((row) => {
    check($(".scene-action", row), { limit: limits.action });
    row.querySelectorAll(".element").forEach((item) => {
      check($(".element-text", item), { limit: limits.text });
      const speaker = $(".element-speaker", item);
      if (speaker && !speaker.value) out.push({ input: speaker, text: speakerWanted() });
    });
  });
  return out;
}

function speakerWanted() {
  return I18n.t("create.problem_speaker");
}

// A message under `input` (its element's box for a text), tagged with where it came from so a
// newer check or submission replaces only its own.
function showProblem(input, text, source) {
  const id = inputId(input);
  let note = document.querySelector(`.field-problem[data-for="${CSS.escape(id)}"]`);
  if (!note) {
    note = el("p", { class: "field-problem", "data-for": id, id: `${id}-problem` });
    const item = input.closest(".element");
    if (item) item.append(note);
    else if (input.name === "layout") $("#layout-options").after(note);
    else (input.closest("label") || input).after(note);
  }
  note.dataset.source = source;
  note.textContent = text;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", note.id);
}

function inputId(input) {
  if (!input.id) input.id = `field-${nextKey++}`;
  return input.id;
}

function clearProblems(source) {
  document.querySelectorAll(`.field-problem[data-source="${source}"]`).forEach(clearProblem);
}

function clearProblem(note) {
  const input = document.getElementById(note.dataset.for);
  if (input) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  note.remove();
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

// Speech and thought balloons without a speaker, said on the page before any request.
function showMissingSpeakers() {
  clearProblems("speaker");
  document.querySelectorAll(".element-speaker").forEach((select) => {
    const text = $(".element-text", select.closest(".element"));
    if (!select.value && text.value.trim()) showProblem(select, speakerWanted(), "speaker");
  });
}

// --- the lettering check, as the person types -------------------------------------------------

let checkTimer = null;
let checkRound = 0;

function scheduleCheck(delay) {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, delay === undefined ? 400 : delay);
}

async function runCheck() {
  const round = ++checkRound;
  showMissingSpeakers();
  const scenes = Array.from(document.querySelectorAll(".scene"), (row) => {
    const scene = sceneBody(row, true);
    delete scene.action;
    return scene;
  });
  if (!scenes.some((scene) => scene.elements.some((e) => e.text.trim()))) {
    clearProblems("check");
    return;
  }
  try {
    const answer = await Api.post("/api/cartoons/lettering-check", { layout: layoutValue(), scenes });
    if (round !== checkRound) return; // a newer check is on its way
    clearProblems("check");
    for (const problem of answer.problems) {
      const input = inputFor(problem.field);
      // worded here from its code: the API's message is English only
      if (input) showProblem(input, plainMessage(problem, input), "check");
    }
  } catch (error) {
    if (round !== checkRound) return;
    clearProblems("check");
    if (error.status === 429) {
      scheduleCheck(1000 * (Number(error.retryAfter) || 5));
    } else if (error.status === 400 && error.details && error.details.field) {
      const input = inputFor(error.details.field);
      if (input) showProblem(input, plainMessage(error, input), "check");
    }
    // Anything else (offline, a hiccup): the submission checks the same again.
  }
}

// --- submitting ---------------------------------------------------------------------------------

async function submit(event) {
  event.preventDefault();
  const notice = $("#create-notice");
  const button = $("#create-submit");
  clearProblems("submit");
  message(notice, "", "info");
  button.disabled = true;
  idempotencyKey = idempotencyKey || newKey();
  // Every problem the page can see on its own, all at once, before anything is sent.
  const problems = ruleProblems();
  if (problems.length) {
    problems.forEach(({ input, text }) => showProblem(input, text, "submit"));
    message(notice, I18n.t("create.fix_fields", { n: problems.length }), "error");
    problems[0].input.focus();
    button.disabled = false;
    return;
  }
  if (!confirmEmptyScenes()) {
    button.disabled = false;
    return;
  }
  try {
    const answer = await Api.post("/api/cartoons", collect(), { "Idempotency-Key": idempotencyKey });
    forgetDraft();
    window.location.assign(`/cartoon.html?id=${encodeURIComponent(answer.cartoon_id)}`);
  } catch (error) {
    button.disabled = false;
    // The key stays: if the answer was lost on the way, sending again must not pay twice.
    if (error.status === 402) {
      const short = error.details ? Number(error.details.shortfall) : NaN;
      message(notice, Number.isFinite(short) ? I18n.t("create.shortfall", { n: short })
        : error.message, "error");
      show($("#buy-credits"), true);
      return;
    }
    const input = inputFor(error.details && error.details.field);
    if (input) {
      clearProblems("check");
      showProblem(input, plainMessage(error, input), "submit");
      message(notice, I18n.t("create.fix_fields", { n: 1 }), "error");
      input.focus();
    } else {
      message(notice, error.message, "error");
    }
  }
}

// --- the draft kept on this device, ticks from the action, empty scenes -----------------------

// What the person typed is kept in this browser as they type (for this account only), so going
// off to buy credits or reloading loses nothing; a submitted cartoon clears it.
const draftKey = () => `caaartoons.create-draft.${me.account_id}`;
let keepTimer = null;

function keepDraft() {
  clearTimeout(keepTimer);
  keepTimer = setTimeout(() => {
    try { localStorage.setItem(draftKey(), JSON.stringify(collect())); } catch (error) { /* full */ }
  }, 300);
}

function restoreDraft() {
  let kept = null;
  try { kept = JSON.parse(localStorage.getItem(draftKey()) || "null"); } catch (error) { kept = null; }
  if (!kept || !Array.isArray(kept.scenes)) return;
  fill(kept);
  if (kept.quality && options.qualities.some((q) => q.key === kept.quality)) {
    $("#quality").value = kept.quality;
    showCost();
  }
  message($("#create-notice"), I18n.t("create.restored"), "info");
}

function forgetDraft() {
  clearTimeout(keepTimer);
  try { localStorage.removeItem(draftKey()); } catch (error) { /* nothing kept */ }
}

// A character named in a scene's action appears in it: ticked as it is typed (one the person
// unticked by hand stays unticked).
function tickNamed(row) {
  const action = $(".scene-action", row).value;
  const unticked = new Set(JSON.parse(row.dataset.unticked || "[]"));
  let ticked = false;
  for (const box of row.querySelectorAll(".scene-cast input[type=checkbox]")) {
    const name = box.nextSibling.textContent.trim();
    if (!name || box.checked || unticked.has(box.value)) continue;
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    if (new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, "iu").test(action)) {
      box.checked = true;
      ticked = true;
    }
  }
  if (ticked) {
    row.dataset.cast = JSON.stringify(cast(row));
    changed();
  }
}

function confirmEmptyScenes() {
  const empty = Array.from(document.querySelectorAll(".scene"))
    .map((row, i) => (cast(row).length ? null : i + 1)).filter(Boolean);
  if (!empty.length) return true;
  const list = new Intl.ListFormat(I18n.locale, { type: "conjunction" })
    .format(empty.map(String));
  return window.confirm(I18n.t("create.empty_scenes", { n: empty.length, list }));
}

// --- filling the form from outside --------------------------------------------------------------

function addCharacter(character) {
  const blank = Array.from(document.querySelectorAll(".character")).find((row) =>
    !$(".character-name", row).value.trim() && !$(".character-description", row).value.trim());
  if (!blank && document.querySelectorAll(".character").length >= options.limits.characters) {
    return null;
  }
  const row = characterRow(character);
  if (blank) blank.replaceWith(row); else $("#character-list").append(row);
  changed();
  return row;
}

function fill(draft) {
  draft = draft || {};
  $("#title").value = draft.title || "";
  $("#context").value = draft.context || "";
  const preset = options.styles.some((s) => s.key === draft.style);
  $("#style").value = preset ? draft.style : (draft.style ? "custom" : options.styles[0].key);
  $("#style-custom").value = preset ? "" : (draft.style || "");
  show($("#style-custom"), $("#style").value === "custom");
  if (options.qualities.some((q) => q.key === draft.quality)) $("#quality").value = draft.quality;
  setLayout(draft.layout);
  const people = (draft.characters || []).slice(0, options.limits.characters);
  $("#character-list").replaceChildren(...(people.length ? people : [{}]).map(characterRow));
  const scenes = (draft.scenes || []).slice(0, options.limits.scenes);
  $("#scene-list").replaceChildren(...(scenes.length ? scenes : [{}]).map(sceneRow));
  refreshScenes(); // names are known now: map the draft's names onto rows
  Array.from(document.querySelectorAll(".scene")).forEach((row, i) => {
    const scene = scenes[i] || {};
    const keys = (scene.characters || []).map(keyOf).filter(Boolean);
    row.dataset.cast = JSON.stringify([...new Set(keys)]);
    const given = Object.entries(scene.staging || {})
      .map(([name, side]) => [keyOf(name), side]).filter(([key]) => key);
    row.dataset.staging = JSON.stringify(Object.fromEntries(given));
    if (given.length) row.dataset.stagingTouched = "1"; else delete row.dataset.stagingTouched;
    let elements = scene.elements;
    if (!elements) {
      elements = [];
      if (scene.caption) elements.push({ kind: "caption", text: scene.caption });
      if (scene.dialogue) elements.push({ kind: "speech", text: scene.dialogue, speaker: scene.speaker });
    }
    $(".element-list", row).replaceChildren(...elements.slice(0, options.limits.elements).map(
      (e) => elementRow(row, { kind: e.kind, text: e.text, speakerKey: keyOf(e.speaker) })));
  });
  clearProblems("check");
  clearProblems("submit");
  changed();
}

const whenReady = {};
const CreateForm = {
  ready: new Promise((resolve) => { whenReady.resolve = resolve; }),
  // Before the form is built, a call waits for it (and answers through a Promise).
  fill: (draft) => (options ? fill(draft) : CreateForm.ready.then(() => fill(draft))),
  addCharacter: (character) => (options ? addCharacter(character || {})
    : CreateForm.ready.then(() => addCharacter(character || {}))),
  registerExtra: (fn) => { extras.push(fn); if (options) changed(); },
  changed: () => { if (options) changed(); },
  current: () => (options ? collect() : null),
};
// The browser tests fill the form through it, as the draft does.
window.CreateForm = CreateForm;

async function start() {
  me = await requireAccount();
  if (!me) return;
  mountDraft(CreateForm);
  mountLibrary(CreateForm);
  options = await Api.get("/api/cartoons/options");
  $("#style").append(...options.styles.map((s) => named("style.", s)),
    el("option", { value: "custom" }, I18n.t("create.style_custom")));
  $("#quality").append(...options.qualities.map((q) => el("option", { value: q.key },
    I18n.t("create.quality_option", {
      label: labelOf("create.quality_", q),
      credits: I18n.t("credits.count", { n: q.credits_per_scene }) }))));
  $("#style").addEventListener("change", () => {
    show($("#style-custom"), $("#style").value === "custom");
  });
  buildLayouts();
  $("#layout-hint").textContent = I18n.t("create.layout_hint", { n: options.limits.scenes });
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
    idempotencyKey = null;
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
  whenReady.resolve(CreateForm);
}

drawFrame();
await start();
