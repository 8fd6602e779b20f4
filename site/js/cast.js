// The cast: each character's reference picture, shown as soon as it exists, the owner's
// approval before any scene is drawn, a paid redraw of one reference with an optional note
// (its cost confirmed first), and "Save to my library".
//
// Cast.render(cartoon, container, {onChange}) draws into `container` from a cartoon as
// GET /api/cartoons/{id} returns it, and updates in place on the next call (a note being typed
// survives a refresh). onChange() is called after anything that changes the cartoon.
// cartoon.js calls it on every load of the cartoon.
import { Api } from "./api.js";
import { $, el, message, typed, withoutQuery } from "./dom.js";
import { failureReason } from "./format.js";
import { I18n } from "./i18n.js";
import { renderHeader } from "./layout.js";
import { limitLength, loadOptions } from "./options.js";

const LABELS = {
  queued: () => I18n.t("cartoon.state_queued"), drawing: () => I18n.t("cartoon.state_drawing"),
  done: () => I18n.t("cartoon.cast_ready"), failed: () => I18n.t("cartoon.state_failed") };
const credits = (n) => I18n.t("credits.count", { n });

// A reference costs one scene of its cartoon's quality (the options' rule for that quality).
function referencePrice(cartoon) {
  return loadOptions()
    .then((o) => o.qualities.find((q) => q.key === cartoon.quality).reference_credits)
    .catch(() => null);
}

function render(cartoon, container, options) {
  const onChange = (options && options.onChange) || (() => {});
  const cast = cartoon.cast || [];
  container.hidden = cast.length === 0;
  if (!cast.length) return;
  if (!container.dataset.ready) {
    container.dataset.ready = "1";
    container.classList.add("cast", "card", "stack");
    container.append(
      el("h2", {}, I18n.t("cartoon.cast_heading")),
      el("p", { class: "hint", "data-cast-intro": "" }),
      el("div", { class: "cast-list", "data-cast-list": "" }),
      el("div", { class: "actions", "data-cast-actions": "" }),
      el("p", { class: "notice", "data-cast-notice": "", role: "alert", hidden: true }));
  }
  const state = cartoon.cast_state;
  const open = state === "drawing" || state === "waiting";
  const failed = cast.filter((c) => c.state === "failed");
  $("[data-cast-intro]", container).textContent =
    state === "drawing" ? I18n.t("cartoon.cast_intro_drawing")
    : state === "waiting" ? (failed.length
      ? I18n.t("cartoon.cast_intro_failed") : I18n.t("cartoon.cast_intro_waiting"))
    : I18n.t("cartoon.cast_intro_done");
  const list = $("[data-cast-list]", container);
  cast.forEach((character) => {
    let card = list.querySelector(`[data-index="${character.index}"]`);
    const signature = [I18n.lang, character.state, character.attempt, withoutQuery(character.image && character.image.url),
                       open, state === "released" && character.state === "failed"].join("|");
    if (!card) {
      card = el("article", { class: "cast-card", "data-index": character.index });
      list.append(card);
    }
    if (card.dataset.signature === signature) return;
    card.dataset.signature = signature;
    card.dataset.state = character.state;
    fill(card, cartoon, character, open || (state === "released" && character.state === "failed"), onChange);
  });
  const actions = $("[data-cast-actions]", container);
  actions.replaceChildren();
  if (state === "waiting") {
    const approve = el("button", { type: "button", class: "button", "data-approve": "",
                                   disabled: failed.length > 0 },
      I18n.t("cartoon.cast_approve"));
    approve.addEventListener("click", () => approveCast(cartoon, container, approve, onChange));
    actions.append(approve);
    if (failed.length) {
      actions.append(el("p", { class: "hint" }, I18n.parts("cartoon.cast_redraw_first",
        { names: typed(failed.map((c) => c.name).join(", ")) })));
    }
  }
}

function fill(card, cartoon, character, redrawable, onChange) {
  const frame = el("div", { class: "cast-frame" });
  if (character.image) {
    frame.append(el("img", { class: "cast-image", src: character.image.thumbnail_url || character.image.url,
                             alt: I18n.t("cartoon.cast_alt", { name: character.name,
                                                                description: character.description }) }));
  } else {
    frame.append(el("div", { class: `placeholder ${character.state}` },
      character.state === "failed" ? I18n.t("cartoon.no_picture") : LABELS[character.state]()));
  }
  const busy = character.state === "queued" || character.state === "drawing";
  card.replaceChildren(...[
    el("div", { class: "row-head" },
      el("h3", { translate: "no" }, character.name),
      el("span", { class: `badge ${character.state}` },
        busy && character.image ? I18n.t("cartoon.state_redrawing") : LABELS[character.state]())),
    frame,
    el("p", { class: "hint cast-description", translate: "no" }, character.description),
    // picked from the library: copied, not drawn, for nothing
    character.saved_id && !character.attempt && !character.credits
      ? el("p", { class: "hint" }, I18n.t("cartoon.cast_from_library")) : null,
    character.state === "failed"
      ? el("p", { class: "notice error" },
        failureReason(character, "cartoon.cast_not_drawn"), " ",
        el("strong", {}, I18n.t("cartoon.given_back", { n: character.refunded || 0 })))
      : null].filter(Boolean));
  const actions = el("div", { class: "actions" });
  const notice = el("p", { class: "notice", "data-notice": "", role: "alert", hidden: true });
  if (redrawable && !busy) {
    const form = redrawForm(cartoon, character, notice, onChange);
    const open = el("button", { type: "button", class: "button small ghost", "data-redraw": "" },
                    I18n.t("cartoon.cast_redraw_open"));
    referencePrice(cartoon).then((price) => {
      if (price) open.textContent = I18n.t("cartoon.redraw_button", { n: price });
    });
    open.addEventListener("click", () => { form.hidden = false; open.hidden = true;
                                           $("textarea", form).focus(); });
    form.addEventListener("reset", () => { form.hidden = true; open.hidden = false; });
    actions.append(open);
    card.append(actions, form);
  } else {
    card.append(actions);
  }
  if (character.state === "done" && character.image) {
    // A reference that is a library entry (saved, or picked from there) says so, once.
    const kept = Boolean(character.saved_id);
    const save = el("button", { type: "button", class: "button small ghost", "data-save": "",
                                disabled: kept },
      I18n.t(kept ? "cartoon.cast_in_library" : "cartoon.cast_save"));
    save.addEventListener("click", () => saveCharacter(cartoon, character, save, notice));
    actions.append(save);
  }
  card.append(notice);
}

function redrawForm(cartoon, character, notice, onChange) {
  const note = el("textarea", { rows: 2, class: "cast-note", translate: "no",
                                placeholder: I18n.t("cartoon.cast_note_placeholder") });
  limitLength(note, "note");
  const confirm = el("button", { type: "submit", class: "button small", "data-confirm-redraw": "" },
    I18n.t("cartoon.cast_redraw"));
  const form = el("form", { class: "stack cast-redraw", hidden: true },
    el("label", {}, ...I18n.parts("cartoon.cast_note_label", { name: typed(character.name) }), note),
    el("p", { class: "hint", "data-cost": "" }),
    el("div", { class: "actions" }, confirm,
      el("button", { type: "reset", class: "button small ghost" }, I18n.t("cartoon.cancel"))));
  // The cost, stated before anything is charged.
  referencePrice(cartoon).then((price) => {
    if (!price) return;
    $("[data-cost]", form).replaceChildren(...I18n.parts("cartoon.cast_cost",
      { name: typed(character.name), n: price }));
    confirm.textContent = I18n.t("cartoon.cast_confirm", { n: price });
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    try {
      const body = note.value.trim() ? { note: note.value.trim() } : {};
      const answer = await Api.post(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/cast/${character.index}/redraw`, body);
      message(notice, "", "ok");
      notice.append(...I18n.parts("cartoon.cast_redrawing", { name: typed(character.name),
        cost: credits(answer.cost), balance: credits(answer.balance) }));
      notice.hidden = false;
      await Api.account(true);
      await renderHeader();
      onChange();
    } catch (error) {
      message(notice, error.message, "error");
      confirm.disabled = false;
    }
  });
  return form;
}

async function approveCast(cartoon, container, button, onChange) {
  button.disabled = true;
  const notice = $("[data-cast-notice]", container);
  try {
    await Api.post(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/cast/approve`, {});
    message(notice, I18n.t("cartoon.cast_approved"), "ok");
    onChange();
  } catch (error) {
    message(notice, error.message, "error");
    button.disabled = false;
  }
}

async function saveCharacter(cartoon, character, button, notice) {
  button.disabled = true;
  try {
    const saved = await Api.post("/api/characters",
                                 { cartoon_id: cartoon.cartoon_id, index: character.index });
    message(notice, "", "ok");
    notice.append(...I18n.parts(saved.already_saved ? "cartoon.cast_already_saved_notice"
      : "cartoon.cast_saved_notice", { name: typed(saved.name) }));
    notice.hidden = false;
    button.textContent = I18n.t("cartoon.cast_in_library");
  } catch (error) {
    message(notice, error.message, "error");
    button.disabled = false;
  }
}

// cartoon.js calls render on each of its loads, which follow the cartoon (quickly while its
// cast or scenes are being drawn).
export const Cast = { render };
