// The create page's problems, shown next to their field: what the page sees on its own, what
// the lettering check finds as the person types (js/lettering-check.js: POST
// /api/cartoons/lettering-check, the check the submission runs), and what a refused submission
// names.
import { Api } from "./api.js";
import { $, el } from "./dom.js";
import { I18n } from "./i18n.js";
import { sceneBody } from "./create-body.js";
import { keyOf } from "./create-cast.js";
import { layoutValue } from "./create-layouts.js";
import { createPage } from "./create-state.js";
import { fullnessMeter, letteringChecker, showFullness } from "./lettering-check.js";

// --- problems shown next to their field

// An API error's code (a refused submission, the lettering check) in plain words, by the field
// it names; `limit` is that field's length limit when the page knows it.
const PLAIN = Object.freeze({
  text_does_not_fit: () => I18n.t("create.problem_does_not_fit"),
  does_not_fit: () => I18n.t("create.problem_does_not_fit"),
  too_much_text: () => I18n.t("create.problem_too_much_text"),
  overlaps: () => I18n.t("create.problem_overlaps"),
  too_many: () => I18n.t("create.problem_too_many", { n: createPage.options.limits.elements }),
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
});

// "scenes[2].elements[1].text" -> the input that holds it, to point the person at it.
export function inputFor(field) {
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
export function plainMessage(error, input) {
  if (error.code === "unknown_character" && input && input.classList.contains("element-speaker")) {
    return I18n.t("create.problem_speaker_in_scene");
  }
  const limit = input && Number(input.getAttribute("maxlength"));
  return PLAIN[error.code] ? PLAIN[error.code](limit) : I18n.t("create.problem_invalid_field");
}

// What the page knows without asking: every required field filled, lengths within the limits
// of /api/cartoons/options, names that differ, and a speaker for each balloon. [{input, text}]
// of every problem, in the order of the page, so that all are shown at once.
export function ruleProblems() {
  const out = [];
  const check = (input, { required = true, limit } = {}) => {
    const value = input.value.trim();
    if (required && !value) out.push({ input, text: I18n.t("create.problem_missing") });
    else if (limit && value.length > limit) {
      out.push({ input, text: I18n.t("create.problem_too_long", { n: limit }) });
    }
  };
  const { limits } = createPage.options;
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
    // a character started from a picture (js/create-upload.js) may go without a description
    check($(".character-description", row), { required: !row.dataset.upload, limit: limits.description });
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
export function showProblem(input, text, source) {
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
  if (!input.id) input.id = `field-${createPage.nextKey++}`;
  return input.id;
}

export function clearProblems(source) {
  document.querySelectorAll(`.field-problem[data-source="${source}"]`).forEach(clearProblem);
}

export function clearProblem(note) {
  const input = document.getElementById(note.dataset.for);
  if (input) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
  }
  note.remove();
}

// Speech and thought balloons without a speaker, said on the page before any request.
function showMissingSpeakers() {
  clearProblems("speaker");
  document.querySelectorAll(".element-speaker").forEach((select) => {
    const text = $(".element-text", select.closest(".element"));
    if (!select.value && text.value.trim()) showProblem(select, speakerWanted(), "speaker");
  });
}

// The lettering check as the person types (js/lettering-check.js): each text it would refuse is
// flagged next to its field, each scene shows how full its panel is, and the submit button waits
// while a text is flagged, so nothing is sent, let alone charged, that the check refuses.
export function scheduleCheck(delay) {
  createPage.checker = createPage.checker ||
    letteringChecker({ body: checkBody, onAnswer: showCheck, onError: showCheckError });
  createPage.checker.schedule(delay);
}

function checkBody() {
  showMissingSpeakers();
  const scenes = Array.from(document.querySelectorAll(".scene"), (row) => {
    const scene = sceneBody(row, true);
    delete scene.action;
    return scene;
  });
  if (!scenes.some((scene) => scene.elements.some((e) => e.text.trim()))) return null;
  return { layout: layoutValue(), scenes };
}

function showCheck(answer) {
  clearProblems("check");
  const rows = document.querySelectorAll(".scene");
  rows.forEach((row, i) => showFullness(meterOf(row), answer && answer.scenes[i]));
  for (const problem of answer ? answer.problems : []) {
    const input = inputFor(problem.field);
    // worded here from its code: the API's message is English only
    if (input) showProblem(input, plainMessage(problem, input), "check");
  }
  holdSubmit();
}

function showCheckError(error) {
  clearProblems("check");
  const input = error.details && inputFor(error.details.field);
  if (input) showProblem(input, plainMessage(error, input), "check");
  holdSubmit();
}

// A scene's meter, under its texts (made the first time the check answers for it).
function meterOf(row) {
  const texts = $(".scene-elements", row);
  let meter = $(".fullness", texts);
  if (!meter) {
    meter = fullnessMeter();
    $(".element-list", texts).after(meter);
  }
  return meter;
}

// The submit button waits while the check flags a text, and says why beside it.
function holdSubmit() {
  const button = $("#create-submit");
  const flagged = document.querySelectorAll('.field-problem[data-source="check"]').length;
  let why = $("#create-held");
  if (!why) {
    why = el("p", { id: "create-held", class: "hint held", role: "status" });
    button.after(why);
  }
  button.disabled = flagged > 0;
  why.textContent = flagged ? I18n.t("create.held_by_texts", { n: flagged }) : "";
  why.hidden = !flagged;
  if (flagged) button.setAttribute("aria-describedby", why.id);
  else button.removeAttribute("aria-describedby");
}
