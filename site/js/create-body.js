// The create page's form as the API takes it (POST /api/cartoons), its counts and its cost.
import { $, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { costOf } from "./cost.js";
import { nameOf } from "./create-cast.js";
import { layoutValue } from "./create-layouts.js";
import { castOf, staging } from "./create-scenes.js";
import { createPage } from "./create-state.js";

function counts() {
  const characterCount = document.querySelectorAll(".character").length;
  const scenes = document.querySelectorAll(".scene").length;
  const { limits } = createPage.options;
  $("#character-count").textContent = I18n.t("create.count",
    { n: characterCount, max: limits.characters });
  $("#scene-count").textContent = I18n.t("create.count", { n: scenes, max: limits.scenes });
  $("#add-character").disabled = characterCount >= limits.characters;
  $("#add-scene").disabled = scenes >= limits.scenes;
  document.querySelectorAll(".character .remove").forEach((b) => { b.disabled = characterCount <= 1; });
  document.querySelectorAll(".scene .remove").forEach((b) => { b.disabled = scenes <= 1; });
  return { characters: characterCount, scenes };
}

export function showCost() {
  const { scenes } = counts();
  // Each character's reference picture is drawn first, for one scene's price; one picked from
  // the library is reused for nothing.
  const drawn = Array.from(document.querySelectorAll(".character"))
    .filter((row) => !row.dataset.savedId && $(".character-name", row).value.trim()).length;
  const cost = costOf(createPage.options, $("#quality").value, scenes, drawn);
  const balance = createPage.me ? createPage.me.balance : 0;
  const credits = (n) => I18n.t("credits.count", { n });
  const vars = { scenes: I18n.t("scenes.count", { n: scenes }),
                 each: credits(cost.perScene), total: credits(cost.total),
                 balance: credits(balance) };
  $("#cost").textContent = drawn && cost.each
    ? I18n.t("create.cost_with_references", { ...vars, per_picture: credits(cost.each),
                                              pictures: I18n.t("create.pictures", { n: drawn }) })
    : I18n.t("create.cost", vars);
  $("#cost").dataset.total = cost.total;
  const short = cost.total > balance;
  $("#cost").classList.toggle("short", short);
  show($("#buy-credits"), short);
  $("#create-submit").textContent = I18n.t("create.submit_cost", { credits: credits(cost.total) });
}

export function styleValue() {
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

export function sceneBody(row, forCheck) {
  const keys = castOf(row);
  const place = staging(row);
  return {
    action: $(".scene-action", row).value,
    characters: keys.map(nameOf),
    staging: Object.fromEntries(keys.map((key) => [nameOf(key), place[key]])),
    elements: sceneElements(row, forCheck),
  };
}

export function collect() {
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
      if (row.dataset.upload) character.upload = row.dataset.upload;  // js/create-upload.js
      return character;
    }),
    scenes: Array.from(document.querySelectorAll(".scene"), (row) => sceneBody(row, false)),
  };
  for (const extra of createPage.extras) Object.assign(body, extra() || {});
  return body;
}
