// Filling the create form from outside: a draft (draft.js, the kept draft), a character from
// the library (library.js).
import { $, show } from "./dom.js";
import { characterRow, keyOf } from "./create-cast.js";
import { clearProblems } from "./create-check.js";
import { setLayout } from "./create-layouts.js";
import { refreshScenes, sceneRow, textRow } from "./create-scenes.js";
import { createPage } from "./create-state.js";

export function addCharacter(character) {
  const { limits } = createPage.options;
  const blank = Array.from(document.querySelectorAll(".character")).find((row) =>
    !$(".character-name", row).value.trim() && !$(".character-description", row).value.trim());
  if (!blank && document.querySelectorAll(".character").length >= limits.characters) {
    return null;
  }
  const row = characterRow(character);
  if (blank) blank.replaceWith(row); else $("#character-list").append(row);
  createPage.changed();
  return row;
}

export function fillForm(draft) {
  const { limits } = createPage.options;
  draft = draft || {};
  $("#title").value = draft.title || "";
  $("#context").value = draft.context || "";
  const preset = createPage.options.styles.some((s) => s.key === draft.style);
  $("#style").value = preset ? draft.style : (draft.style ? "custom" : createPage.options.styles[0].key);
  $("#style-custom").value = preset ? "" : (draft.style || "");
  show($("#style-custom"), $("#style").value === "custom");
  if (createPage.options.qualities.some((q) => q.key === draft.quality)) $("#quality").value = draft.quality;
  setLayout(draft.layout);
  const people = (draft.characters || []).slice(0, limits.characters);
  $("#character-list").replaceChildren(...(people.length ? people : [{}]).map(characterRow));
  const scenes = (draft.scenes || []).slice(0, limits.scenes);
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
    $(".element-list", row).replaceChildren(...elements.slice(0, limits.elements).map(
      (e) => textRow(row, { kind: e.kind, text: e.text, speakerKey: keyOf(e.speaker) })));
  });
  clearProblems("check");
  clearProblems("submit");
  createPage.changed();
}
