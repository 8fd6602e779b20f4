// The create page's scenes: who appears, where each stands, and the texts (captions, speech
// and thought balloons, by the kinds the API serves).
import { $, el, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { characters, nameOf } from "./create-cast.js";
import { hasSpeaker, createPage } from "./create-state.js";

// A kind's words, asked for when shown so that they follow the page's language (js/strings.js,
// by the kinds the API serves); null for a kind it does not serve.
function kindWords(kind) {
  if (!createPage.options.kinds.some((k) => k.key === kind)) return null;
  return { label: I18n.t(`create.kind_${kind}`), add: I18n.t(`create.add_${kind}`),
           short: I18n.t(`create.short_${kind}`),
           placeholder: I18n.t(`create.placeholder_${kind}`) };
}

export function sceneRow(scene) {
  const { limits } = createPage.options;
  const row = el("div", { class: "row-card scene" },
    el("div", { class: "row-head" },
      el("strong", { class: "row-title" }, I18n.t("create.scene_title", { n: "" }).trim()),
      el("button", { type: "button", class: "button ghost small remove",
                     onclick: () => { row.remove(); createPage.changed(); } }, I18n.t("create.remove"))),
    el("label", {}, I18n.t("create.action_label"),
      el("textarea", { class: "scene-action", translate: "no", maxlength: limits.action,
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
      // "Add: Caption, Speech, …": seven short buttons, each named in full for a screen reader
      el("div", { class: "actions element-add" },
        el("span", { class: "element-add-label", "aria-hidden": "true" },
           I18n.t("create.add_label")),
        ...createPage.options.kinds.map(({ key: kind }) => el("button", {
          type: "button", class: "button ghost small", "data-kind": kind,
          "aria-label": kindWords(kind).add, title: kindWords(kind).add,
          onclick: () => {
            const item = textRow(row, { kind });
            $(".element-list", row).append(item);
            createPage.changed();
            $(".element-text", item).focus();
          } }, kindWords(kind).short)))));
  row.dataset.cast = JSON.stringify([]);
  row.dataset.staging = JSON.stringify({});
  return row;
}

export function castOf(row) {
  return Array.from(row.querySelectorAll(".scene-cast input:checked"), (box) => box.value);
}

export function staging(row) {
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
               createPage.options.sides.find((side) => !used.has(side)) ||
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
  createPage.changed();
}

function refreshStaging(row) {
  const keys = castOf(row);
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
        ...createPage.options.sides.map((side) => el("option", { value: side,
          selected: place[key] === side }, I18n.t(`create.side_${side}`)))));
  }));
}

export function textRow(sceneRowNode, element) {
  const kind = kindWords(element.kind) ? element.kind : "caption";
  const id = `text-${createPage.nextKey++}`;
  const item = el("li", { class: `element ${kind}`, "data-kind": kind },
    el("div", { class: "element-head" },
      el("label", { class: "element-kind", for: id }, kindWords(kind).label),
      !hasSpeaker(kind) ? null : el("label", { class: "element-speaker-label" },
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
                     maxlength: createPage.options.limits.text,
                     placeholder: kindWords(kind).placeholder }, element.text || ""));
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
  createPage.changed();
  const button = $(step < 0 ? ".move-up" : ".move-down", item);
  (button.disabled ? $(".element-text", item) : button).focus();
}

function removeElement(item) {
  const next = item.nextElementSibling || item.previousElementSibling;
  const scene = item.closest(".scene");
  item.remove();
  createPage.changed();
  const focus = next ? $(".element-text", next) : $(".element-add button", scene);
  if (focus) focus.focus();
}

function refreshElements(row, index) {
  const { limits } = createPage.options;
  const keys = castOf(row);
  const items = Array.from(row.querySelectorAll(".element"));
  items.forEach((item, i) => {
    const { label } = kindWords(item.dataset.kind);
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
  const full = items.length >= limits.elements;
  row.querySelectorAll(".element-add button").forEach((button) => {
    button.disabled = full || (hasSpeaker(button.dataset.kind) && !keys.length);
  });
  $(".elements-hint", row).textContent = full
    ? I18n.t("create.elements_full", { n: limits.elements })
    : (keys.length ? "" : I18n.t("create.tick_first"));
  show($(".elements-hint", row), Boolean($(".elements-hint", row).textContent));
}

// Keep each scene's checkboxes, sides and speakers in step with the characters' names.
export function refreshScenes() {
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
                        row.dataset.cast = JSON.stringify(castOf(row));
                        createPage.changed();
                      } }),
        ` ${name}`));
    });
    // The hint stands only while no character has a name (once, not under ticked boxes).
    fieldset.querySelectorAll("[data-name-first]").forEach((hint) => hint.remove());
    if (!named.length) {
      fieldset.append(el("p", { class: "hint", "data-name-first": "" }, I18n.t("create.name_first")));
    }
    // One whose name is being retyped (blank for a moment) keeps its tick, side and balloons.
    const rows = new Set(Array.from(document.querySelectorAll(".character"), (r) => r.dataset.key));
    const waiting = JSON.parse(row.dataset.cast || "[]").filter((k) => rows.has(k) && !known.has(k));
    const sides = staging(row);
    row.dataset.cast = JSON.stringify(castOf(row));
    refreshStaging(row);
    row.dataset.cast = JSON.stringify([...castOf(row), ...waiting]);
    row.dataset.staging = JSON.stringify({
      ...Object.fromEntries(waiting.filter((k) => sides[k]).map((k) => [k, sides[k]])),
      ...staging(row) });
    refreshElements(row, index);
  });
  document.querySelectorAll(".character").forEach((row, index) => {
    $(".row-title", row).textContent = I18n.t("create.character_title", { n: index + 1 });
  });
}

// A character named in a scene's action appears in it: ticked as it is typed (one the person
// unticked by hand stays unticked).
export function tickNamed(row) {
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
    row.dataset.cast = JSON.stringify(castOf(row));
    createPage.changed();
  }
}

export function confirmEmptyScenes() {
  const empty = Array.from(document.querySelectorAll(".scene"))
    .map((row, i) => (castOf(row).length ? null : i + 1)).filter(Boolean);
  if (!empty.length) return true;
  const list = new Intl.ListFormat(I18n.locale, { type: "conjunction" })
    .format(empty.map(String));
  return window.confirm(I18n.t("create.empty_scenes", { n: empty.length, list }));
}
