// Redrawing a scene, and choosing which of its versions the page shows.
//
//   Redraw.open(cartoon, scene, {onDone})     a modal dialog that states the cost and asks for
//                                             confirmation, with the scene's action (change it
//                                             if you like) and a note of what to change;
//                                             onDone(answer) once the redraw is queued.
//   Redraw.versions(cartoon, scene, {onDone}) an element listing the scene's kept versions
//                                             with "Use version n"; onDone(cartoonView) once
//                                             another one is shown.
//
// Needs api.js (Api, el, $, message). The cartoon page calls both for each scene card.
import { Api } from "./api.js";
import { el, message } from "./dom.js";
import { I18n } from "./i18n.js";
import { renderHeader } from "./layout.js";
import { limitLength } from "./options.js";

const scenePath = (cartoon, scene) =>
  `/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/scenes/${scene.number}`;
let counter = 0;

function field(label, control, hint) {
  return el("label", { class: "redraw-field" }, el("span", { class: "redraw-label" }, label),
    control, hint ? el("span", { class: "hint" }, hint) : null);
}

function textarea(attrs, text) {
  const node = el("textarea", attrs);
  node.value = text || "";
  return node;
}

// Tab and Shift+Tab stay inside the dialog (showModal makes the page inert; this keeps focus
// from wandering to the browser's own controls and back in at the wrong end).
function trapFocus(dialog, event) {
  if (event.key !== "Tab") return;
  const focusable = [...dialog.querySelectorAll(
    "button, a[href], textarea, input, select, [tabindex]:not([tabindex='-1'])")]
    .filter((node) => !node.disabled && !node.hidden && node.offsetParent !== null);
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    last.focus();
    event.preventDefault();
  } else if (!event.shiftKey && document.activeElement === last) {
    first.focus();
    event.preventDefault();
  }
}

function showError(notice, error, fields) {
  for (const control of Object.values(fields)) control.removeAttribute("aria-invalid");
  const field = error.details && error.details.field;
  if (field && fields[field]) {
    fields[field].setAttribute("aria-invalid", "true");
    fields[field].focus();
  }
  message(notice, error.message, "error");
  if (error.status === 402) {
    notice.append(" ", el("a", { href: "/credits.html", class: "buy-credits" }, I18n.t("index.buy")));
  }
}

function open(cartoon, scene, options) {
  const onDone = (options && options.onDone) || (() => {});
  const cost = Number(cartoon.credits_per_scene);
  const opener = document.activeElement;
  const id = `redraw-${++counter}`;
  const action = textarea({ name: "action", rows: 3, required: true,
                            class: "redraw-action", translate: "no" }, scene.action);
  const note = textarea({ name: "note", rows: 2, class: "redraw-note",
                          translate: "no",
                          placeholder: I18n.t("cartoon.redraw_note_placeholder") });
  const notice = el("p", { class: "notice", role: "alert", hidden: true });
  const confirm = el("button", { type: "submit", class: "button redraw-confirm" },
    I18n.t("cartoon.redraw_confirm", { n: cost }));
  const cancel = el("button", { type: "button", class: "button ghost redraw-cancel" },
                    I18n.t("cartoon.cancel"));
  const hasImage = Boolean(scene.image);
  // the limits the API serves (the hint states the note's)
  const noteHint = el("span", {});
  limitLength(action, "action");
  limitLength(note, "note").then((n) => {
    if (n) noteHint.textContent = I18n.t("cartoon.redraw_note_hint", { n });
  });
  // The cost, stated and confirmed before anything is charged.
  const form = el("form", { method: "dialog", class: "stack" },
    el("h2", { id: `${id}-title` }, I18n.t("cartoon.redraw_title", { n: scene.number })),
    el("p", { id: `${id}-cost`, class: "redraw-cost" },
      I18n.t("cartoon.redraw_cost", { scene: scene.number, n: cost })),
    el("p", { class: "hint" }, hasImage
      ? I18n.t("cartoon.redraw_edit_hint") : I18n.t("cartoon.redraw_again_hint")),
    field(I18n.t("cartoon.redraw_action"), action, I18n.t("cartoon.redraw_action_hint")),
    field(I18n.t("cartoon.redraw_note"), note, noteHint),
    notice,
    el("div", { class: "actions" }, confirm, cancel));
  const dialog = el("dialog", { class: "redraw-dialog", "aria-labelledby": `${id}-title`,
                                "aria-describedby": `${id}-cost` }, form);
  const fields = { action, note };

  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => trapFocus(dialog, event));
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  dialog.addEventListener("click", (event) => {  // a click on the backdrop closes it
    if (event.target === dialog && !confirm.disabled) dialog.close();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    const changed = action.value.trim();
    if (changed !== scene.action.trim()) body.action = changed;
    if (note.value.trim()) body.note = note.value.trim();
    confirm.disabled = true;
    cancel.disabled = true;
    message(notice, I18n.t("cartoon.redraw_asking"), "info");
    try {
      const answer = await Api.post(`${scenePath(cartoon, scene)}/redraw`, body);
      dialog.close();
      await Api.account(true);
      await renderHeader();
      await onDone(answer);
    } catch (error) {
      confirm.disabled = false;
      cancel.disabled = false;
      showError(notice, error, fields);
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  note.focus();
  return dialog;
}

function when(iso) {
  return Number.isNaN(new Date(iso).getTime()) ? "" : I18n.dateTime(iso);
}

function versions(cartoon, scene, options) {
  const onDone = (options && options.onDone) || (() => {});
  const list = scene.versions || [];
  const strip = el("section", { class: "versions-strip", "aria-label":
    I18n.t("cartoon.versions_label", { n: scene.number }) });
  if (list.length < 2) {
    strip.hidden = true;
    return strip;
  }
  const busy = scene.state === "queued" || scene.state === "drawing";
  const notice = el("p", { class: "notice", role: "alert", hidden: true });
  const items = el("ol", { class: "versions" });
  for (const version of [...list].reverse()) {  // newest first
    const item = el("li", { class: `version${version.chosen ? " chosen" : ""}`,
                            "data-version": version.version },
      el("a", { href: version.url, target: "_blank", rel: "noopener", class: "version-thumb" },
        el("img", { src: version.thumbnail_url, loading: "lazy", width: 96, height: 96,
                    alt: version.note
                      ? I18n.t("cartoon.version_alt", { n: version.version, note: version.note })
                      : I18n.t("cartoon.version", { n: version.version }) })),
      el("span", { class: "version-name" }, I18n.t("cartoon.version_short", { n: version.version }),
        el("span", { class: "hint" }, " · ", when(version.created_at))),
      version.note ? el("span", { class: "version-note", title: version.note, translate: "no" },
                        version.note)
        : null);
    if (version.chosen) {
      item.append(el("span", { class: "badge done", "aria-current": "true" },
                      I18n.t("cartoon.version_shown")));
    } else {
      const use = el("button", { type: "button", class: "button small ghost use-version",
                                 disabled: busy },
        I18n.t("cartoon.version_use_label", { n: version.version }));
      use.addEventListener("click", async () => {
        for (const button of strip.querySelectorAll("button")) button.disabled = true;
        message(notice, "");
        try {
          const view = await Api.post(`${scenePath(cartoon, scene)}/version`,
                                      { version: version.version });
          await onDone(view);
        } catch (error) {
          for (const button of strip.querySelectorAll("button")) button.disabled = busy;
          message(notice, error.message, "error");
        }
      });
      item.append(use);
    }
    items.append(item);
  }
  strip.append(el("h4", {}, I18n.t("cartoon.versions", { n: list.length })), items, notice);
  if (busy) strip.append(el("p", { class: "hint" }, I18n.t("cartoon.version_later")));
  return strip;
}

export const Redraw = { open, versions };
