// What one line of the credit history says, in the reader's language, from the particulars the
// API serves with each entry (`what`: kind, title, counts, panel, character, pack, and `url`
// while the cartoon exists; chalicelib/money/credits.py). No raw id is shown: a cartoon is its
// title, linked while it exists; an older entry whose cartoon is gone reads "a deleted cartoon".
import { el } from "./dom.js";
import { ledgerReason } from "./format.js";
import { I18n } from "./i18n.js";

const credits = (n) => I18n.t("credits.count", { n });

function titleNode(what) {
  if (!what.title) return el("span", { class: "ledger-untitled" }, I18n.t("ledger.untitled"));
  const words = I18n.parts("ledger.titled", {
    title: el("span", { class: "ledger-title", translate: "no" }, what.title) });
  return what.url ? el("a", { href: what.url, class: "ledger-link" }, ...words)
    : el("span", {}, ...words);
}

function packName(pack) {
  return I18n.has(`ledger.pack_${pack}`) ? I18n.t(`ledger.pack_${pack}`)
    : I18n.t("ledger.pack", { pack });
}

// kind -> the sentence's key and its values; `_plain` keys for entries written without the
// particular (an older entry, or a cartoon that is gone).
const SENTENCES = {
  purchase: (w) => (w.pack
    ? ["ledger.what_purchase", { credits: credits(w.credits), pack: packName(w.pack) }]
    : ["ledger.what_purchase_plain", { credits: credits(w.credits) }]),
  clawback: (w) => (w.credits
    ? ["ledger.what_clawback", { credits: credits(w.credits) }] : ["ledger.what_clawback_plain", {}]),
  cartoon: (w) => {
    if (!w.title) return ["ledger.what_cartoon_untitled", {}];
    if (w.scenes === undefined) return ["ledger.what_cartoon_plain", { title: titleNode(w) }];
    const vars = { title: titleNode(w), scenes: I18n.t("scenes.count", { n: w.scenes }),
                   characters: I18n.t("ledger.characters", { n: w.characters || 0 }) };
    return [w.characters ? "ledger.what_cartoon" : "ledger.what_cartoon_scenes", vars];
  },
  scene_redraw: (w) => ["ledger.what_scene_redraw", { panel: w.panel, title: titleNode(w) }],
  scene_refund: (w) => ["ledger.what_scene_refund", { panel: w.panel, title: titleNode(w) }],
  reference_redraw: (w) => [w.name ? "ledger.what_reference_redraw"
    : "ledger.what_reference_redraw_plain", { name: typedName(w.name), title: titleNode(w) }],
  reference_refund: (w) => [w.name ? "ledger.what_reference_refund"
    : "ledger.what_reference_refund_plain", { name: typedName(w.name), title: titleNode(w) }],
};

function typedName(name) {
  return name ? el("span", { translate: "no" }, name) : "";
}

// The nodes of the "What" cell.
export function ledgerWhat(entry) {
  const what = entry.what || { kind: "other" };
  const sentence = SENTENCES[what.kind];
  if (sentence) {
    const [key, vars] = sentence(what);
    return I18n.parts(key, vars);
  }
  // An operator's adjustment (or a grant from elsewhere): its reason in the reader's words,
  // and the operator's own note as written.
  const reason = ledgerReason(entry.reason);
  return entry.note
    ? I18n.parts("ledger.what_with_note", {
      reason, note: el("span", { class: "ledger-note", translate: "no" }, entry.note) })
    : [reason];
}
