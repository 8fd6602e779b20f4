// The cartoon page's scene cards: each scene's picture and state, its texts edited on the card
// (free), its kept versions, and a redraw (for its credits).
import { Api } from "./api.js";
import { $, el, message, typed, withoutQuery } from "./dom.js";
import { failureReason } from "./format.js";
import { I18n } from "./i18n.js";
import { Redraw } from "./redraw.js";
import { cartoonPage, kindHasSpeaker } from "./cartoon-state.js";
import { sceneAlt } from "./cartoon-words.js";
import { formElements, watchTexts } from "./cartoon-lettering.js";
import { lookDetails } from "./cartoon-look.js";

const STATE_LABELS = Object.freeze({
  queued: () => I18n.t("cartoon.state_queued"), drawing: () => I18n.t("cartoon.state_drawing"),
  done: () => I18n.t("cartoon.state_done"), failed: () => I18n.t("cartoon.state_failed") });

function signature(scene) {
  return JSON.stringify([I18n.lang, scene.state, scene.attempt, scene.image && withoutQuery(scene.image.url),
    scene.elements, scene.reason, scene.chosen_version, (scene.versions || []).length,
    scene.action, scene.look]);
}

export function renderScene(scene) {
  const id = `scene-${scene.number}`;
  let panel = document.getElementById(id);
  const editing = panel && (panel.dataset.dirty === "true" || (panel.contains(document.activeElement) &&
    document.activeElement.matches("input, select, textarea")));
  if (panel && (cartoonPage.signatures[id] === signature(scene) || editing)) {
    const link = $(".panel-download", panel);
    if (link && scene.image) link.href = scene.image.download_url;
    return;
  }
  cartoonPage.signatures[id] = signature(scene);
  const fresh = buildPanel(scene);
  if (panel) panel.replaceWith(fresh); else $("#panels").append(fresh);
  panel = fresh;
}

function buildPanel(scene) {
  const frame = el("div", { class: "panel-frame" });
  if (scene.image) {
    frame.append(el("img", { class: "panel-image", src: scene.image.url, alt: sceneAlt(scene) }));
  } else {
    frame.append(el("div", { class: `placeholder ${scene.state}` },
      scene.state === "failed" ? I18n.t("cartoon.no_picture") : STATE_LABELS[scene.state]()));
  }
  const busy = scene.state === "queued" || scene.state === "drawing";
  const panel = el("article", { class: `panel state-${scene.state}`, id: `scene-${scene.number}`,
                                "data-state": scene.state },
    el("div", { class: "row-head" },
      el("h3", {}, I18n.t("cartoon.scene", { n: scene.number })),
      el("span", { class: `badge ${scene.state}` }, busy && scene.image
        ? I18n.t("cartoon.state_redrawing") : STATE_LABELS[scene.state]())),
    frame,
    el("p", { class: "panel-action", translate: "no" }, scene.action),
    scene.characters.length ? el("p", { class: "hint" }, I18n.parts("cartoon.with",
      { names: typed(scene.characters.join(", ")) })) : null,
    lookDetails(scene));
  if (scene.reason) {  // a failed drawing, or a failed redraw (still showing its version)
    panel.append(el("p", { class: "notice error panel-failure" },
      scene.redraw_failed ? `${I18n.t("cartoon.redraw_failed")} ` : "",
      failureReason(scene, "cartoon.scene_failed"), " ",
      el("strong", {}, I18n.t("cartoon.given_back", { n: scene.refunded || 0 }))));
  }
  panel.append(Redraw.versions(cartoonPage.cartoon, scene, { onDone: cartoonPage.loop.now }));
  panel.append(textsForm(scene), panelActions(scene),
    el("p", { class: "notice", "data-notice": "", role: "alert", hidden: true }));
  return panel;
}

// The scene's texts, in reading order: each a caption or a balloon with its speaker.
function textsForm(scene) {
  const list = el("ol", { class: "elements" });
  const form = el("form", { class: "texts-form stack",
                            "aria-label": I18n.t("cartoon.texts_label", { n: scene.number }) },
    el("h4", {}, I18n.t("cartoon.texts")), list);
  const add = el("button", { type: "button", class: "button small ghost add-element" },
                 I18n.t("cartoon.add_text"));
  const addRow = (element) => {
    list.append(elementRow(scene, element, list));
    refresh();
  };
  const refresh = () => {
    add.disabled = list.children.length >= cartoonPage.options.limits.elements;
    [...list.children].forEach((row, i) => {
      $(".element-number", row).textContent = I18n.t("cartoon.text_n", { n: i + 1 });
    });
  };
  list.refresh = refresh;
  add.addEventListener("click", () => {
    addRow({ kind: scene.characters.length ? "speech" : "caption", text: "",
             speaker: scene.characters[0] || "" });
    $(".edit-text", list.lastElementChild).focus();
    form.closest(".panel").dataset.dirty = "true";
  });
  scene.elements.forEach((element) => list.append(elementRow(scene, element, list)));
  refresh();
  form.append(el("div", { class: "actions" }, add,
    el("button", { type: "submit", class: "button small" }, I18n.t("cartoon.save_texts"))));
  form.addEventListener("input", () => { form.closest(".panel").dataset.dirty = "true"; });
  form.addEventListener("submit", (event) => saveTexts(event, scene, form));
  watchTexts(form, scene);
  return form;
}

function elementRow(scene, element, list) {
  const kind = el("select", { class: "edit-kind", "aria-label": I18n.t("cartoon.kind") },
    ...cartoonPage.options.kinds.map(({ key }) =>
      el("option", { value: key, selected: key === element.kind }, I18n.t(`cartoon.kind_${key}`))));
  const speaker = el("select", { class: "edit-speaker", "aria-label": I18n.t("cartoon.who_says"),
                                 translate: "no" },
    ...scene.characters.map((name) => el("option", { value: name, selected: name === element.speaker }, name)));
  const text = el("textarea", { class: "edit-text", maxlength: cartoonPage.options.limits.text,
                                rows: 2, translate: "no", "aria-label": I18n.t("cartoon.text") });
  text.value = element.text;
  const row = el("li", { class: "element-row" },
    el("div", { class: "row-head" }, el("strong", { class: "element-number" }),
      el("button", { type: "button", class: "button small ghost remove-element" },
         I18n.t("cartoon.remove"))),
    el("div", { class: "element-fields" }, kind, speaker), text,
    el("p", { class: "notice", "data-element-notice": "", role: "alert", hidden: true }));
  row.element = element;
  const sync = () => {
    const balloon = kindHasSpeaker(kind.value);
    speaker.hidden = !balloon || !scene.characters.length;
    if (balloon && !scene.characters.length) kind.setCustomValidity(I18n.t("cartoon.needs_speaker"));
    else kind.setCustomValidity("");
  };
  kind.addEventListener("change", sync);
  sync();
  $(".remove-element", row).addEventListener("click", () => {
    row.closest(".panel").dataset.dirty = "true";
    row.remove();
    list.refresh();
  });
  return row;
}

async function saveTexts(event, scene, form) {
  event.preventDefault();
  const card = form.closest(".panel");
  const notice = $("[data-notice]", card);
  const button = $("button[type=submit]", form);
  const rows = [...form.querySelectorAll(".element-row")];
  message(notice, "");  // a "Saved" from an earlier edit no longer tells the truth
  rows.forEach((row) => {
    message($("[data-element-notice]", row), "");
    $(".edit-text", row).removeAttribute("aria-invalid");
  });
  const elements = formElements(rows);
  button.disabled = true;
  try {
    cartoonPage.cartoon = await Api.patch(
      `/api/cartoons/${encodeURIComponent(cartoonPage.id)}/scenes/${scene.number}`, { elements });
    delete card.dataset.dirty;
    if (document.activeElement) document.activeElement.blur();
    cartoonPage.render();
    const fresh = $(`#scene-${scene.number} [data-notice]`);
    message(fresh, cartoonPage.cartoon.status === "composing"
      ? I18n.t("cartoon.saved_composing") : I18n.t("cartoon.saved"), "ok");
    if (["composing", "drawing"].includes(cartoonPage.cartoon.status)) cartoonPage.loop.after(1.5);
  } catch (error) {
    button.disabled = false;
    const field = error.details && error.details.field;
    const found = field && /elements\[(\d+)\]/.exec(field);
    if (found && rows[Number(found[1])]) {
      const row = rows[Number(found[1])];
      // The field's path is for programs; the person sees the reason next to the text.
      message($("[data-element-notice]", row), elementProblem(error, field), "error");
      $(".edit-text", row).setAttribute("aria-invalid", "true");
      $(".edit-text", row).focus();
    } else {
      message(notice, error.message, "error");
    }
  }
}

// What is wrong with one of the texts, in plain words.
function elementProblem(error, field) {
  if (error.code === "text_does_not_fit") {
    return I18n.t(field.endsWith(".at") ? "cartoon.text_overlaps" : "cartoon.text_too_long");
  }
  if (error.code === "missing_field") return I18n.t("cartoon.text_empty");
  return error.message;
}

function panelActions(scene) {
  const actions = el("div", { class: "actions" });
  if (scene.image) {
    actions.append(el("a", { class: "button small ghost panel-download",
                             href: scene.image.download_url,
                             "aria-label": I18n.t("cartoon.download_scene", { n: scene.number }) },
                         I18n.t("cartoon.download")));
  }
  if (scene.state === "done" || scene.state === "failed") {
    // Redraw.open states the cost and asks for confirmation before anything is charged.
    actions.append(el("button", { type: "button", class: "button small ghost redraw",
                                  onclick: () => Redraw.open(cartoonPage.cartoon, scene,
                                                             { onDone: cartoonPage.loop.now }) },
      I18n.t("cartoon.redraw_button", { n: cartoonPage.cartoon.credits_per_scene })));
  }
  return actions;
}
