// "Start from a picture" on a character of the create page: a drawing or a photo goes straight
// to S3 through the presigned POST the API hands out (POST /api/uploads); the API never sees
// the file. The type, size and pixel limits come from the options (chalicelib/core/vocabulary.py)
// and are checked here first; S3's own policy refuses a file that gets past this page. Once
// sent, the row carries the upload's id (data-upload) and its description becomes optional.
import { Api } from "./api.js";
import { $, el, message } from "./dom.js";
import { I18n } from "./i18n.js";
import { createPage } from "./create-state.js";

const MB = 1024 * 1024;

export function pictureField(row) {
  const { limits, upload_types: types } = createPage.options;
  const input = el("input", { type: "file", class: "picture-input", accept: types.join(",") });
  const thumb = el("img", { class: "picture-thumb", alt: "", hidden: true });
  const progress = el("progress", { class: "picture-progress", hidden: true }); // of 1
  const status = el("p", { class: "notice", hidden: true, role: "status" });
  const remove = el("button", { type: "button", class: "button ghost small", hidden: true,
                                onclick: () => forget(row) }, I18n.t("create.picture_remove"));
  input.addEventListener("change", () => input.files[0] && choose(row, input.files[0]));
  // Folded until wanted: most characters start from words, and on a phone every open field
  // makes the form longer.
  input.setAttribute("aria-label", I18n.t("create.picture_label"));
  return el("details", { class: "picture-field" },
    el("summary", {}, I18n.t("create.picture_label")), input,
    el("p", { class: "hint" }, I18n.t("create.picture_hint",
      { mb: Math.floor(limits.upload_bytes / MB) })),
    el("div", { class: "picture-preview" }, thumb, progress, remove), status);
}

function parts(row) {
  return { input: $(".picture-input", row), thumb: $(".picture-thumb", row),
           progress: $(".picture-progress", row), status: $(".picture-field .notice", row),
           remove: $(".picture-field .button", row),
           description: $(".character-description", row) };
}

// Why the page refuses this file before sending it, or "".
async function problem(file) {
  const { limits, upload_types: types } = createPage.options;
  if (!types.includes(file.type)) return I18n.t("create.picture_type");
  if (file.size > limits.upload_bytes) {
    return I18n.t("create.picture_too_large", { mb: Math.floor(limits.upload_bytes / MB) });
  }
  try {
    const bitmap = await createImageBitmap(file);
    const pixels = bitmap.width * bitmap.height;
    bitmap.close();
    if (pixels > limits.upload_pixels) {
      return I18n.t("create.picture_pixels", { mp: Math.floor(limits.upload_pixels / 1e6) });
    }
  } catch {
    return I18n.t("create.picture_unreadable");
  }
  return "";
}

async function choose(row, file) {
  const p = parts(row);
  $(".picture-field", row).open = true;
  forget(row, true);
  const refused = await problem(file);
  if (refused) {
    message(p.status, refused, "error");
    p.input.value = "";
    return;
  }
  p.thumb.src = URL.createObjectURL(file);
  p.thumb.hidden = false;
  p.progress.removeAttribute("value");  // indeterminate while S3 receives it
  p.progress.hidden = false;
  message(p.status, I18n.t("create.picture_uploading"), "info");
  try {
    const slot = await Api.post("/api/uploads", { content_type: file.type, size: file.size });
    const form = new FormData();
    for (const [name, value] of Object.entries(slot.fields)) form.append(name, value);
    form.append("file", file);  // last: S3 ignores any field after the file
    const sent = await fetch(slot.url, { method: "POST", body: form });
    if (!sent.ok) throw new Error(`S3 answered ${sent.status}`);
    row.dataset.upload = slot.upload_id;
    p.progress.value = 1;
    p.description.required = false;
    p.remove.hidden = false;
    message(p.status, I18n.t("create.picture_ready"), "ok");
    createPage.changed();
  } catch (error) {
    p.progress.hidden = true;
    p.thumb.hidden = true;
    message(p.status, error.status ? error.message : I18n.t("create.picture_failed"), "error");
  }
}

// Back to no picture; `keepInput` while a newly chosen file replaces the last one.
function forget(row, keepInput) {
  const p = parts(row);
  if (p.thumb.src) URL.revokeObjectURL(p.thumb.src);
  delete row.dataset.upload;
  p.thumb.hidden = p.progress.hidden = p.remove.hidden = true;
  p.thumb.removeAttribute("src");
  p.description.required = true;
  message(p.status, "", "info");
  if (!keepInput) p.input.value = "";
  createPage.changed();
}
