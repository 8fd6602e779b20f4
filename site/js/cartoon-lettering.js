// The cartoon page's text editor, checked as the owner types (js/lettering-check.js, the check
// the edit runs): the scene shows how full its panel is, each text the edit would refuse is
// flagged next to it, and "Save the texts" waits until none is.
import { $ } from "./dom.js";
import { I18n } from "./i18n.js";
import { cartoonPage, kindHasSpeaker } from "./cartoon-state.js";
import { fullnessMeter, letteringChecker, showFullness } from "./lettering-check.js";

// The texts of a scene's form (its .element-row items) as the API takes them, for the edit
// (PATCH /api/cartoons/{id}/scenes/{n}) and for the check.
export function formElements(rows) {
  return rows.map((row) => {
    const kind = $(".edit-kind", row).value;
    const item = { kind, text: $(".edit-text", row).value.trim() };
    if (kindHasSpeaker(kind)) item.speaker = $(".edit-speaker", row).value;
    const before = row.element;
    // A text that keeps its kind keeps the place its owner gave it.
    if (before.kind === kind && before.at) item.at = before.at;
    if (before.kind === kind && kindHasSpeaker(kind) && before.tail) item.tail = before.tail;
    if (before.kind === kind && before.width) item.width = before.width; // the owner's box width
    if (before.kind === kind && before.angle != null) item.angle = before.angle; // a sound's turn
    return item;
  });
}

// What the check says of one text, in plain words, by its code.
const PLAIN = Object.freeze({
  too_much_text: "cartoon.text_too_much",
  does_not_fit: "cartoon.text_too_long",
  overlaps: "cartoon.text_overlaps",
  too_many: "cartoon.text_too_many",
  unknown_character: "cartoon.needs_speaker",
});

// Checks the texts of `form` (scene `scene`'s) as the owner edits them.
export function watchTexts(form, scene) {
  const meter = fullnessMeter();
  $(".elements", form).after(meter);
  const rows = () => [...form.querySelectorAll(".element-row")];
  const checker = letteringChecker({
    body: () => checkBody(scene, rows()),
    onAnswer: (answer) => {
      showFullness(meter, answer && answer.scenes[scene.number - 1]);
      flag(form, rows(), answer ? answer.problems : []);
    },
    onError: (error) => flag(form, rows(), [{ field: error.details && error.details.field,
                                              code: error.code }]),
  });
  form.addEventListener("input", () => checker.schedule());
  form.addEventListener("change", () => checker.schedule());
  // a text added or removed changes the panel too
  new MutationObserver(() => checker.schedule()).observe($(".elements", form), { childList: true });
}

// The edited scene among the cartoon's (a panel's size depends on the layout and the count);
// the others are sent empty.
function checkBody(scene, rows) {
  const elements = formElements(rows);
  if (!elements.some((e) => e.text)) return null;
  const scenes = Array.from({ length: cartoonPage.cartoon.scenes.length }, () => ({}));
  scenes[scene.number - 1] = { characters: scene.characters, staging: scene.staging || {},
                               elements };
  return { layout: cartoonPage.cartoon.layout, scenes };
}

function flag(form, rows, problems) {
  rows.forEach((row) => {
    const note = $("[data-element-notice]", row);
    if (note.dataset.check) unflag(row, note);
  });
  let flagged = 0;
  for (const problem of problems) {
    const found = problem.field && /elements\[(\d+)\]/.exec(problem.field);
    const row = found && rows[Number(found[1])];
    if (!row) continue;
    const note = $("[data-element-notice]", row);
    const text = $(".edit-text", row);
    note.id = `${form.closest(".panel").id}-text-${found[1]}-problem`;
    note.dataset.check = "true";
    note.textContent = I18n.t(PLAIN[problem.code] || "cartoon.text_check_invalid");
    note.className = "notice error";
    note.hidden = false;
    text.setAttribute("aria-invalid", "true");
    text.setAttribute("aria-describedby", note.id);
    flagged += 1;
  }
  $("button[type=submit]", form).disabled = flagged > 0;
}

function unflag(row, note) {
  delete note.dataset.check;
  note.removeAttribute("id");
  note.textContent = "";
  note.hidden = true;
  const text = $(".edit-text", row);
  text.removeAttribute("aria-invalid");
  text.removeAttribute("aria-describedby");
}
