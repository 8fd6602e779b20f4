// The cartoon in words: alt text and the transcript.
import { $, el, show, typed } from "./dom.js";
import { I18n } from "./i18n.js";
import { cartoonPage, kindHasSpeaker } from "./cartoon-state.js";

// A scene's texts in reading order, each worded by its kind ("Ana whispers: “…”", "Sound
// effect: “…”", `cartoon.said_<kind>`, one for every kind the API serves); a balloon without a
// speaker, or of a kind the page does not know, reads as a caption.
function saidLines(scene) {
  return (scene.elements || []).map((element) => {
    const known = cartoonPage.options.kinds.some((k) => k.key === element.kind);
    const kind = known ? element.kind : "caption";
    if (kindHasSpeaker(kind) && !element.speaker) {
      return { key: "cartoon.said_caption", vars: { text: element.text } };
    }
    const vars = kindHasSpeaker(kind) ? { speaker: element.speaker, text: element.text }
      : { text: element.text };
    return { key: `cartoon.said_${kind}`, vars };
  });
}

// A text's emphasis markup (`*word*`: the pattern GET /api/cartoons/options serves).
const emphasis = () => new RegExp(cartoonPage.options.emphasis, "g");

// What a text reads as, aloud: its words without the markup.
const plain = (text) => text.replace(emphasis(), "$1");

// A text as the transcript shows it: its stressed words in bold, as they are lettered.
function stressed(text) {
  const shown = typed("");
  let from = 0;
  for (const found of text.matchAll(emphasis())) {
    shown.append(text.slice(from, found.index), el("strong", {}, found[1]));
    from = found.index + found[0].length;
  }
  shown.append(text.slice(from));
  return shown;
}

function sentence(text) {
  const trimmed = (text || "").trim();
  return /[.!?…»”"']$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

// "Scene 2: Bram presses the button. Bram says: “Oops!”", in the page's language.
export function sceneAlt(scene) {
  return [I18n.t("cartoon.scene_alt", { n: scene.number, action: sentence(scene.action) }),
          ...saidLines(scene).map((line) => I18n.t(line.key, { ...line.vars,
                                                            text: plain(line.vars.text) }))
         ].join(" ");
}

// A page names the scenes it holds; their words are in the transcript.
export function pageAlt(number, total) {
  const { cartoon } = cartoonPage;
  const held = cartoon.panels.filter((panel) => panel.page === number)
    .map((panel) => cartoon.scenes.find((s) => s.number === panel.number)).filter(Boolean);
  const scenes = held.map((scene) => I18n.t("cartoon.scene_alt",
    { n: scene.number, action: sentence(scene.action) })).join(" ");
  return I18n.t("cartoon.page_alt", { n: number, total, scenes }).replace(/\s{2,}/g, " ");
}

export function renderTranscript() {
  const { cartoon } = cartoonPage;
  const card = $("#transcript-card");
  show(card, cartoon.status !== "cast" && cartoon.scenes.length > 0);
  const shown = JSON.stringify([I18n.lang, cartoon.scenes.map((s) => [s.action, s.elements,
                                                                      s.state])]);
  if (shown === cartoonPage.transcriptShown) return;
  cartoonPage.transcriptShown = shown;
  $("#transcript-list").replaceChildren(...cartoon.scenes.map(transcriptItem));
}

// One scene in words: its number, what happens, then each text with its speaker (the public
// share page words it the same way: chalicelib/cartoons/share_page.py).
function transcriptItem(scene) {
  const lines = saidLines(scene).map((line) => {
    const vars = {};
    for (const [name, value] of Object.entries(line.vars)) {
      vars[name] = name === "text" ? stressed(value) : typed(value);
    }
    return el("p", { class: "transcript-line" }, I18n.parts(line.key, vars));
  });
  return el("li", { class: "transcript-scene", "data-scene": scene.number },
    el("h3", {}, I18n.t("cartoon.scene", { n: scene.number }),
       scene.state === "failed" ? ` ${I18n.t("cartoon.transcript_not_drawn")}` : null),
    el("p", { class: "transcript-action", translate: "no" }, scene.action), ...lines);
}
