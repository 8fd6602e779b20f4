// What the look step found in a scene's panel (GET /api/cartoons/{id}: scene.look), so anyone can
// check the lettering against it: each figure's head box and mouth point, as fractions of the
// panel, and why the panel was lettered by its staging when it was. Compact: a details/summary.
import { el } from "./dom.js";
import { I18n } from "./i18n.js";

const fraction = (value) => Math.round(value * 100) / 100;

// A note is a code: `look_failed:<why>` or `speaker_missing:<name>,<name>`.
function noteText(note) {
  const [code, rest = ""] = note.split(/:(.*)/s);
  if (code === "speaker_missing") {
    return I18n.t("cartoon.look_speaker_missing", { names: rest.split(",").join(", ") });
  }
  return I18n.t("cartoon.look_failed");
}

function summary(look) {
  const n = look.figures.length;
  if (look.source === "look") return I18n.t("cartoon.look_summary_look", { n });
  if (look.source === "offline") return I18n.t("cartoon.look_summary_offline", { n });
  return I18n.t("cartoon.look_summary_staging");
}

function figureLine(figure) {
  const [left, top, right, bottom] = figure.head.map(fraction);
  const [x, y] = figure.mouth.map(fraction);
  return el("li", {}, I18n.t("cartoon.look_figure",
    { name: figure.name, left, top, right, bottom, x, y }));
}

export function lookDetails(scene) {
  const { look } = scene;
  if (!look) return null;  // drawn before the look step
  const notes = look.notes.map((note) => el("p", { class: "notice panel-look-note" }, noteText(note)));
  const details = el("details", { class: "panel-look", "data-source": look.source },
    el("summary", {}, summary(look)), ...notes);
  if (look.figures.length) {
    details.append(el("ul", { class: "panel-look-figures" }, ...look.figures.map(figureLine)),
      el("p", { class: "hint" }, I18n.t("cartoon.look_fractions")));
  }
  if (notes.length) details.open = true;  // the owner should see why, without looking for it
  return details;
}
