// The create page's characters. They are known by a key of their row, not by their name:
// renaming one keeps it ticked in its scenes, on its side and as the speaker of its balloons.
import { $, el } from "./dom.js";
import { I18n } from "./i18n.js";
import { createPage } from "./create-state.js";
import { pictureField } from "./create-upload.js";

export function characterRow(character) {
  const { limits } = createPage.options;
  character = character || {};
  const key = `c${createPage.nextKey++}`;
  const row = el("div", { class: "row-card character", "data-key": key },
    el("div", { class: "row-head" },
      el("strong", { class: "row-title" }, I18n.t("create.character_title", { n: "" }).trim()),
      el("button", { type: "button", class: "button ghost small remove",
                     onclick: () => { row.remove(); createPage.changed(); } }, I18n.t("create.remove"))),
    el("label", {}, I18n.t("create.name_label"),
      el("input", { class: "character-name", maxlength: limits.name, required: true,
                    placeholder: I18n.t("create.name_placeholder"), value: character.name || "" })),
    el("label", {}, I18n.t("create.description_label"),
      el("textarea", { class: "character-description", translate: "no",
                       maxlength: limits.description,
                       required: true, rows: 2,
                       placeholder: I18n.t("create.description_placeholder") },
        character.description || "")));
  if (character.saved_id) row.dataset.savedId = character.saved_id;
  else row.append(pictureField(row)); // a saved character's picture is drawn already
  return row;
}

// [{key, name}] of the characters with a name, in order.
export function characters() {
  return Array.from(document.querySelectorAll(".character"), (row) => ({
    key: row.dataset.key, name: $(".character-name", row).value.trim(),
  })).filter((c) => c.name);
}

export function nameOf(key) {
  const found = characters().find((c) => c.key === key);
  return found ? found.name : "";
}

export function keyOf(name) {
  const wanted = String(name || "").trim().toLocaleLowerCase();
  const found = characters().find((c) => c.name.toLocaleLowerCase() === wanted);
  return found ? found.key : "";
}
