// The cartoon page: follows the drawing (a progress bar, each panel appearing as it is done,
// failures explained with their refund), then the strip; captions can be edited (free) and a
// scene redrawn (for its credits); every image and the strip can be downloaded.
const cartoonId = new URLSearchParams(window.location.search).get("id") || "";
const STATE_LABELS = { queued: "Waiting", drawing: "Drawing…", done: "Done", failed: "Failed" };
let cartoon = null;
let timer = null;
const signatures = {};

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const withoutQuery = (url) => (url || "").split("?")[0];

function schedule(seconds) {
  clearTimeout(timer);
  timer = setTimeout(load, seconds * 1000);
}

async function load() {
  try {
    cartoon = await Api.get(`/api/cartoons/${encodeURIComponent(cartoonId)}`);
  } catch (error) {
    if (error.status === 404) {
      message($("#cartoon-notice"), "There is no such cartoon in your account.", "error");
      $("#progress-text").textContent = "";
      return;
    }
    message($("#cartoon-notice"), "Lost touch with the server; trying again…", "error");
    schedule(5);
    return;
  }
  render();
  const busy = cartoon.status === "drawing" || cartoon.status === "composing";
  // Presigned links last a few minutes: refresh them before they run out.
  schedule(busy ? 1.5 : Math.max(30, cartoon.links_expire_in * 0.8));
}

function progressText() {
  const p = cartoon.progress;
  switch (cartoon.status) {
    case "drawing": return `${p.done} of ${plural(p.total, "scene")} drawn…`;
    case "composing": return "Every scene is drawn; laying out the strip…";
    case "done": return `Finished: ${plural(p.total, "scene")} and the strip.`;
    default: return `${p.done} of ${plural(p.total, "scene")} drawn; ` +
      `${p.failed} could not be drawn and ${p.failed === 1 ? "was" : "were"} refunded.`;
  }
}

function render() {
  document.title = `${cartoon.title} · Caaartoons`;
  $("#cartoon-title").textContent = cartoon.title;
  $("#cartoon-meta").textContent = `${cartoon.style_label || cartoon.style} · ` +
    `${plural(cartoon.credits_per_scene, "credit")} a scene · ` +
    `${plural(cartoon.spent ?? cartoon.cost, "credit")} spent`;
  const p = cartoon.progress;
  $("#progress").max = p.total;
  $("#progress").value = p.done + p.failed;
  $("#progress-text").textContent = progressText();
  document.body.dataset.status = cartoon.status;
  if ($("#cartoon-notice").textContent.startsWith("Lost touch")) message($("#cartoon-notice"), "");
  renderStrip();
  cartoon.scenes.forEach(renderScene);
}

function renderStrip() {
  const strip = cartoon.strip;
  show($("#strip-card"), Boolean(strip));
  if (!strip) return;
  const image = $("#strip-image");
  if (withoutQuery(image.src) !== withoutQuery(strip.url)) image.src = strip.url;
  $("#strip-download").href = strip.download_url;
}

function signature(scene) {
  return JSON.stringify([scene.state, scene.attempt, scene.image && withoutQuery(scene.image.url),
    scene.caption, scene.dialogue, scene.speaker, scene.reason, scene.chosen_version,
    (scene.versions || []).length, scene.action]);
}

function renderScene(scene) {
  const id = `scene-${scene.number}`;
  let panel = document.getElementById(id);
  const editing = panel && panel.contains(document.activeElement) &&
    document.activeElement.matches("input, select");
  if (panel && (signatures[id] === signature(scene) || editing)) {
    const link = $(".panel-download", panel);
    if (link && scene.image) link.href = scene.image.download_url;
    return;
  }
  signatures[id] = signature(scene);
  const fresh = buildPanel(scene);
  if (panel) panel.replaceWith(fresh); else $("#panels").append(fresh);
  panel = fresh;
}

function buildPanel(scene) {
  const frame = el("div", { class: "panel-frame" });
  if (scene.image) {
    frame.append(el("img", { class: "panel-image", src: scene.image.url,
                             alt: `Scene ${scene.number}: ${scene.action}` }));
  } else {
    frame.append(el("div", { class: `placeholder ${scene.state}` },
      scene.state === "failed" ? "No picture" : STATE_LABELS[scene.state]));
  }
  const panel = el("article", { class: `panel state-${scene.state}`, id: `scene-${scene.number}`,
                                "data-state": scene.state },
    el("div", { class: "row-head" },
      el("h3", {}, `Scene ${scene.number}`),
      el("span", { class: `badge ${scene.state}` }, STATE_LABELS[scene.state])),
    frame,
    el("p", { class: "panel-action" }, scene.action),
    scene.characters.length ? el("p", { class: "hint" }, `With ${scene.characters.join(", ")}`) : null);
  if (scene.reason) {  // a failed drawing, or a failed redraw (still showing its version)
    panel.append(el("p", { class: "notice error panel-failure" },
      scene.redraw_failed ? "The redraw failed: " : "", `${scene.reason} `,
      el("strong", {}, `${plural(scene.refunded, "credit")} given back.`)));
  }
  if (window.Redraw) panel.append(Redraw.versions(cartoon, scene, { onDone: load }));
  panel.append(captionForm(scene), panelActions(scene),
    el("p", { class: "notice", "data-notice": "", role: "alert", hidden: true }));
  return panel;
}

function captionForm(scene) {
  const speaker = el("select", { class: "edit-speaker", "aria-label": "Who says it" },
    el("option", { value: "" }, "Nobody in particular"),
    ...scene.characters.map((name) => el("option", { value: name, selected: name === scene.speaker }, name)));
  const form = el("form", { class: "caption-form stack" },
    el("label", {}, "Caption",
      el("input", { class: "edit-caption", maxlength: 200, value: scene.caption })),
    el("label", {}, "Dialogue",
      el("input", { class: "edit-dialogue", maxlength: 200, value: scene.dialogue })),
    speaker,
    el("div", {}, el("button", { type: "submit", class: "button small" }, "Save the text")));
  form.addEventListener("submit", (event) => saveText(event, scene.number, form));
  return form;
}

function panelActions(scene) {
  const actions = el("div", { class: "actions" });
  if (scene.image) {
    actions.append(el("a", { class: "button small ghost panel-download",
                             href: scene.image.download_url }, "Download"));
  }
  if (scene.state === "done" || scene.state === "failed") {
    actions.append(el("button", { type: "button", class: "button small ghost redraw",
                                  onclick: (event) => window.Redraw
                                    ? Redraw.open(cartoon, scene, { onDone: load })
                                    : redraw(event, scene.number) },
      `Redraw (${plural(cartoon.credits_per_scene, "credit")})`));
  }
  return actions;
}

async function saveText(event, number, form) {
  event.preventDefault();
  const notice = $("[data-notice]", form.parentElement);
  const button = $("button", form);
  button.disabled = true;
  try {
    const dialogue = $(".edit-dialogue", form).value.trim();
    cartoon = await Api.patch(`/api/cartoons/${encodeURIComponent(cartoonId)}/scenes/${number}`, {
      caption: $(".edit-caption", form).value.trim(), dialogue,
      speaker: dialogue ? $(".edit-speaker", form).value : "" });
    document.activeElement.blur();
    render();
    const fresh = $(`#scene-${number} [data-notice]`);
    message(fresh, cartoon.status === "composing"
      ? "Saved; the strip is being laid out with the new text." : "Saved.", "ok");
    if (cartoon.status === "composing" || cartoon.status === "drawing") schedule(1.5);
  } catch (error) {
    button.disabled = false;
    message(notice, error.message, "error");
  }
}

async function redraw(event, number) {
  const button = event.target;
  const notice = $("[data-notice]", button.closest(".panel"));
  button.disabled = true;
  try {
    await Api.post(`/api/cartoons/${encodeURIComponent(cartoonId)}/scenes/${number}/redraw`);
    await Api.account(true);
    await renderHeader();
    await load();
  } catch (error) {
    button.disabled = false;
    const short = error.status === 402 && error.details ? " Buy credits to redraw it." : "";
    message(notice, error.message + short, "error");
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  const me = await requireAccount();
  if (!me) return;
  await load();
});
