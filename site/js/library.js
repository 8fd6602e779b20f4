// The character library on the create page: a picker (in <div id="library-picker">) listing
// the characters saved to the account, with their pictures, each added to the cartoon through
// CreateForm.addCharacter({name, description, saved_id}) (reused: not drawn again and
// not charged); and, in <div id="cast-choice">, whether to approve the cast before the scenes
// are drawn, sent with the submission through CreateForm.registerExtra.
import { Api } from "./api.js";
import { $, el, message } from "./dom.js";
import { I18n } from "./i18n.js";
import { limitLength } from "./options.js";

let next = null;
let form = null; // create.js's CreateForm, given to mountLibrary

async function loadPage(list, more, notice) {
  more.disabled = true;
  try {
    const query = next ? `?cursor=${encodeURIComponent(next)}` : "";
    const page = await Api.get(`/api/characters${query}`);
    page.characters.forEach((c) => list.append(card(c, notice)));
    next = page.next_cursor;
    more.hidden = !next;
    const empty = !list.children.length;
    $("[data-library-empty]", list.parentElement).hidden = !empty;
  } catch (error) {
    if (error.status === 401) { list.parentElement.hidden = true; return; }
    message(notice, error.message, "error");
  } finally {
    more.disabled = false;
  }
}

function card(character, notice) {
  const add = el("button", { type: "button", class: "button small", "data-add": "" },
    I18n.t("create.library_add"));
  const remove = el("button", { type: "button", class: "button small ghost", "data-remove": "" },
    I18n.t("create.library_delete"));
  const edit = el("button", { type: "button", class: "button small ghost", "data-edit": "" },
    I18n.t("create.library_edit"));
  const name = el("h4", { translate: "no" }, character.name);
  const description = el("p", { class: "hint", translate: "no" }, character.description);
  const item = el("article", { class: "library-card", "data-saved-id": character.id },
    character.thumbnail_url
      ? el("img", { class: "library-image", src: character.thumbnail_url,
                    alt: I18n.t("create.library_picture_alt", { name: character.name }) })
      : el("div", { class: "placeholder" }, I18n.t("create.library_no_picture")),
    name, description,
    el("div", { class: "actions" }, add, edit, remove));
  const editor = editForm(character, notice, (changed) => {
    Object.assign(character, changed);
    name.textContent = changed.name;
    description.textContent = changed.description;
  });
  item.append(editor);
  edit.addEventListener("click", () => { editor.hidden = !editor.hidden; });
  add.addEventListener("click", () => {
    form.addCharacter({ name: character.name, description: character.description,
                      saved_id: character.id });
    add.disabled = true;
    add.textContent = I18n.t("create.library_added");
    message(notice, I18n.t("create.library_added_notice", { name: character.name }), "ok");
  });
  remove.addEventListener("click", async () => {
    if (remove.dataset.armed !== "1") {
      remove.dataset.armed = "1";
      remove.textContent = I18n.t("create.library_really_delete", { name: character.name });
      return;
    }
    remove.disabled = true;
    try {
      await Api.del(`/api/characters/${encodeURIComponent(character.id)}`);
      item.remove();
      message(notice, I18n.t("create.library_deleted", { name: character.name }), "ok");
    } catch (error) {
      message(notice, error.message, "error");
      remove.disabled = false;
    }
  });
  return item;
}

// Renaming a saved character or changing its description (PATCH /api/characters/{id}).
function editForm(character, notice, onSaved) {
  const name = el("input", { type: "text", class: "library-name", translate: "no",
                             value: character.name, required: true });
  const description = el("textarea", { rows: 3, class: "library-description", translate: "no" },
                         character.description);
  limitLength(name, "name");
  limitLength(description, "description");
  const form = el("form", { class: "stack library-edit", hidden: true },
    el("label", {}, I18n.t("create.library_name"), name),
    el("label", {}, I18n.t("create.library_description"), description),
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "button small" }, I18n.t("create.library_save")),
      el("button", { type: "reset", class: "button small ghost" }, I18n.t("create.library_cancel"))));
  form.addEventListener("reset", (event) => {
    event.preventDefault();
    name.value = character.name;
    description.value = character.description;
    form.hidden = true;
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("button[type=submit]", form);
    button.disabled = true;
    try {
      const saved = await Api.patch(`/api/characters/${encodeURIComponent(character.id)}`,
        { name: name.value, description: description.value });
      onSaved(saved);
      form.hidden = true;
      message(notice, I18n.t("create.library_edited", { name: saved.name }), "ok");
    } catch (error) {
      message(notice, I18n.error(error), "error");
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function mountPicker(root) {
  const list = el("div", { class: "library-list" });
  const more = el("button", { type: "button", class: "button small ghost", hidden: true },
    I18n.t("create.library_more"));
  const notice = el("p", { class: "notice", role: "status", hidden: true });
  root.replaceChildren(
    el("h3", {}, I18n.t("create.library_heading")),
    el("p", { class: "hint" }, I18n.t("create.library_hint")),
    el("p", { class: "hint", "data-library-empty": "", hidden: true },
      I18n.t("create.library_empty")),
    list, more, notice);
  more.addEventListener("click", () => loadPage(list, more, notice));
  loadPage(list, more, notice);
}

function mountChoice(root) {
  const name = "cast-choice";
  const approve = el("input", { type: "radio", name, value: "approve", checked: true });
  const atOnce = el("input", { type: "radio", name, value: "at-once" });
  root.replaceChildren(el("fieldset", { class: "stack cast-choice" },
    el("legend", {}, I18n.t("create.cast_legend")),
    el("label", {}, approve, " ", I18n.t("create.cast_approve")),
    el("label", {}, atOnce, " ", I18n.t("create.cast_at_once"))));
  form.registerExtra(() => ({ approve_cast: approve.checked }));
}

export function mountLibrary(createForm) {
  form = createForm;
  const picker = document.getElementById("library-picker");
  const choice = document.getElementById("cast-choice");
  if (picker) mountPicker(picker);
  if (choice) mountChoice(choice);
}
