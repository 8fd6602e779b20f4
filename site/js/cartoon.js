// The cartoon page: follows the drawing (a progress bar, each panel appearing as it is done,
// failures explained with their refund), then the comic. On a desktop the composed pages show
// large, one under another, and the owner moves a balloon or its tail's tip by dragging it or
// with the keyboard (free; the worker composes the page again). On a phone (600 px or less)
// a reader shows one panel at a time, edge to edge, lettered for that width: swipe, the arrow
// keys or the buttons move between panels. Each scene's texts are edited on its card (free), a
// scene can be redrawn (for its credits), and the pages, PDFs and CBZ downloaded.
const cartoonId = new URLSearchParams(window.location.search).get("id") || "";
const STATE_LABELS = { queued: "Waiting", drawing: "Drawing…", done: "Done", failed: "Failed" };
const KIND_LABELS = { caption: "Caption", speech: "Speech balloon", thought: "Thought balloon" };
const MAX_ELEMENTS = 4; // comic/lettering.py MAX_ELEMENTS
const STEP = 0.01; // a keyboard move, as a fraction of the panel
const BIG_STEP = 0.05; // with Shift
let cartoon = null;
let timer = null;
let moving = null; // the handle being moved: {scene, index, part, start, at, tail, handle}
let pagesShown = ""; // what the page view shows now (pages and geometry), to redraw only on change
let readerIndex = 0;
const signatures = {};

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const withoutQuery = (url) => (url || "").split("?")[0];
const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
const round4 = (value) => Math.round(value * 10000) / 10000;
const short = (text) => (text.length > 24 ? `${text.slice(0, 24)}…` : text);

function schedule(seconds) {
  clearTimeout(timer);
  timer = setTimeout(load, seconds * 1000);
}

function noSuchCartoon(text) {
  message($("#cartoon-notice"), text, "error");
  $("#progress-text").textContent = "";
  show($("#progress"), false);
  $("#cartoon-notice").append(" ", el("a", { href: "/gallery.html" }, "Open your gallery"));
}

async function load() {
  if (!/^[0-9]{13}[0-9a-f]{8}$/.test(cartoonId)) {
    noSuchCartoon("This address does not name a cartoon.");
    return;
  }
  try {
    cartoon = await Api.get(`/api/cartoons/${encodeURIComponent(cartoonId)}`);
  } catch (error) {
    if (error.status >= 400 && error.status < 500 && error.status !== 429) {
      noSuchCartoon(error.status === 404 ? "There is no such cartoon in your account."
        : error.message);
      return;
    }
    message($("#cartoon-notice"), "Lost touch with the server; trying again…", "error");
    schedule(5);
    return;
  }
  render();
  const busy = ["drawing", "composing", "cast"].includes(cartoon.status);
  // Presigned links last a few minutes: refresh them before they run out.
  schedule(busy ? 1.5 : Math.max(30, cartoon.links_expire_in * 0.8));
}

function progressText() {
  const p = cartoon.progress;
  switch (cartoon.status) {
    case "cast": return cartoon.cast_state === "waiting"
      ? "The characters are drawn: approve the cast above and the scenes follow."
      : "Drawing the characters' reference pictures first…";
    case "drawing": return `${p.done} of ${plural(p.total, "scene")} drawn…`;
    case "composing": return "Every scene is drawn; laying out the pages…";
    case "done": return `Finished: ${plural(p.total, "scene")} on ${plural(
      Math.max(1, cartoon.pages.length), "page")}.`;
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
  if (window.Cast) window.Cast.render(cartoon, $("#cast"), { onChange: load });
  renderPages();
  renderDownloads();
  renderReader();
  if (window.Share) window.Share.render(cartoon, $("#share"), { onChange: load });
  cartoon.scenes.forEach(renderScene);
}

// ---- The page view (desktop) ----

function composedPages() {
  if (cartoon.pages.length) return cartoon.pages;
  return cartoon.strip ? [{ ...cartoon.strip, number: 1 }] : []; // composed before pages existed
}

function renderPages() {
  const recomposing = cartoon.status === "composing" && pagesShown !== "";
  show($("#recomposing"), recomposing);
  $("#pages").classList.toggle("recomposing", recomposing);
  $("#pages").setAttribute("aria-busy", String(recomposing));
  const list = composedPages();
  if (!list.length) {
    if (!recomposing) show($("#pages-card"), false); // while recomposing, the old pages stay
    return;
  }
  show($("#pages-card"), true);
  const shown = JSON.stringify([list.map((page) => withoutQuery(page.url)), cartoon.panels]);
  if (moving || shown === pagesShown) {
    // The same pages: only the links' signatures changed.
    list.forEach((page, i) => {
      const image = $(`#page-${i + 1} .page-image`);
      if (image) image.dataset.fresh = page.url;
    });
    return;
  }
  const focused = document.activeElement && document.activeElement.id;
  pagesShown = shown;
  $("#pages").replaceChildren(...list.map(buildPage));
  show($("#move-hint"), cartoon.panels.some((panel) => panel.elements.length));
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

function buildPage(page, i) {
  const stage = el("div", { class: "page-stage" },
    el("img", { class: "page-image", src: page.url, width: page.width, height: page.height,
                alt: `Page ${i + 1} of ${cartoon.title}` }));
  for (const panel of cartoon.panels.filter((p) => p.page === i + 1)) {
    const scene = cartoon.scenes.find((s) => s.number === panel.number);
    if (!scene) continue;
    panel.elements.forEach((placed, index) => {
      const element = scene.elements[index];
      if (!element) return;
      stage.append(handle(panel, scene, element, placed, index, "at"));
      if (placed.tail) stage.append(handle(panel, scene, element, placed, index, "tail"));
    });
  }
  return el("figure", { class: "comic-page", id: `page-${i + 1}`, "data-page": i + 1 }, stage,
    el("figcaption", { class: "hint" }, `Page ${i + 1} of ${composedPages().length}`));
}

function describeElement(element, index, number) {
  const what = element.kind === "caption" ? "Caption" : "Balloon";
  return `${what} ${index + 1} of scene ${number}: '${short(element.text)}'`;
}

function handle(panel, scene, element, placed, index, part) {
  const name = part === "at"
    ? `${describeElement(element, index, scene.number)} — use arrow keys to move`
    : `Tail of balloon ${index + 1} of scene ${scene.number}: '${short(element.text)}' — ` +
      "use arrow keys to move its tip";
  const node = el("button", {
    type: "button", class: `handle ${part === "at" ? "handle-box" : "handle-tail"} kind-${placed.kind}`,
    id: `handle-${scene.number}-${index}-${part}`, "aria-label": name, title: name,
    "data-scene": scene.number, "data-index": index, "data-part": part });
  node.panel = panel;
  node.placed = placed;
  place(node, placed.at, placed.tail);
  node.addEventListener("pointerdown", startDrag);
  node.addEventListener("keydown", keyMove);
  node.addEventListener("blur", () => { if (moving && moving.handle === node) finishMove(true); });
  node.addEventListener("click", (event) => event.preventDefault());
  return node;
}

// Where a handle sits, in % of its page: the panel's rectangle, then the element within it.
function place(node, at, tail) {
  const [left, top, right, bottom] = node.panel.rect;
  const across = (x) => 100 * (left + x * (right - left));
  const down = (y) => 100 * (top + y * (bottom - top));
  if (node.dataset.part === "tail") {
    node.style.left = `${across(tail[0])}%`;
    node.style.top = `${down(tail[1])}%`;
    return;
  }
  const [x1, y1, x2, y2] = node.placed.box;
  const dx = at[0] - node.placed.at[0];
  const dy = at[1] - node.placed.at[1];
  node.style.left = `${across(x1 + dx)}%`;
  node.style.top = `${down(y1 + dy)}%`;
  node.style.width = `${100 * (x2 - x1) * (right - left)}%`;
  node.style.height = `${100 * (y2 - y1) * (bottom - top)}%`;
}

function begin(node) {
  if (moving && moving.handle !== node) finishMove(true);
  if (!moving) {
    moving = { handle: node, scene: Number(node.dataset.scene), index: Number(node.dataset.index),
               part: node.dataset.part, at: [...node.placed.at],
               tail: node.placed.tail ? [...node.placed.tail] : null, changed: false };
  }
  return moving;
}

// Move by (dx, dy), fractions of the panel; a balloon's box stays inside it.
function nudge(dx, dy) {
  const m = moving;
  if (m.part === "tail") {
    m.tail = [round4(clamp(m.tail[0] + dx, 0, 1)), round4(clamp(m.tail[1] + dy, 0, 1))];
  } else {
    const [x1, y1, x2, y2] = m.handle.placed.box;
    const halfW = (x2 - x1) / 2;
    const halfH = (y2 - y1) / 2;
    m.at = [round4(clamp(m.at[0] + dx, halfW, 1 - halfW)),
            round4(clamp(m.at[1] + dy, halfH, 1 - halfH))];
  }
  m.changed = true;
  m.handle.classList.add("moved");
  place(m.handle, m.at, m.tail);
}

function keyMove(event) {
  const steps = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const node = event.currentTarget;
  if (steps[event.key]) {
    event.preventDefault();
    begin(node);
    const step = event.shiftKey ? BIG_STEP : STEP;
    nudge(steps[event.key][0] * step, steps[event.key][1] * step);
  } else if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    if (moving && moving.handle === node) finishMove(true);
  } else if (event.key === "Escape") {
    if (moving && moving.handle === node) {
      event.preventDefault();
      finishMove(false);
    }
  }
}

function startDrag(event) {
  if (event.button !== 0) return;
  const node = event.currentTarget;
  event.preventDefault();
  node.focus({ preventScroll: true });
  begin(node);
  node.setPointerCapture(event.pointerId);
  const stage = node.parentElement.getBoundingClientRect();
  const [left, top, right, bottom] = node.panel.rect;
  const panelW = stage.width * (right - left);
  const panelH = stage.height * (bottom - top);
  let last = [event.clientX, event.clientY];
  const onMove = (e) => {
    nudge((e.clientX - last[0]) / panelW, (e.clientY - last[1]) / panelH);
    last = [e.clientX, e.clientY];
  };
  const onUp = () => {
    node.removeEventListener("pointermove", onMove);
    node.removeEventListener("pointerup", onUp);
    node.removeEventListener("pointercancel", onUp);
    finishMove(true);
  };
  node.addEventListener("pointermove", onMove);
  node.addEventListener("pointerup", onUp);
  node.addEventListener("pointercancel", onUp);
}

// Save (or cancel) the move under way: the scene's elements go back with the new position.
async function finishMove(save) {
  const m = moving;
  moving = null;
  if (!m) return;
  m.handle.classList.remove("moved");
  if (!save || !m.changed) {
    place(m.handle, m.handle.placed.at, m.handle.placed.tail);
    return;
  }
  const scene = cartoon.scenes.find((s) => s.number === m.scene);
  const elements = scene.elements.map((e) => ({ ...e }));
  const target = elements[m.index];
  if (m.part === "tail") {
    target.tail = m.tail;
    target.at = target.at || m.handle.placed.at; // the balloon stays where it is
  } else {
    target.at = m.at; // its tail keeps pointing at the speaker, or where the owner put it
  }
  message($("#pages-notice"), "");
  $("#pages").classList.add("recomposing");
  show($("#recomposing"), true);
  try {
    cartoon = await Api.patch(
      `/api/cartoons/${encodeURIComponent(cartoonId)}/scenes/${m.scene}`, { elements });
    render();
    schedule(1.5);
  } catch (error) {
    $("#pages").classList.remove("recomposing");
    show($("#recomposing"), false);
    place(m.handle, m.handle.placed.at, m.handle.placed.tail);
    message($("#pages-notice"), `${describeElement(target, m.index, m.scene)}: ${error.message}`,
            "error");
  }
}

function renderDownloads() {
  const list = composedPages();
  show($("#downloads-card"), list.length > 0);
  if (!list.length) return;
  const links = list.map((page, i) => el("a", { class: "button small ghost download-page",
    href: page.download_url, "data-kind": "png" }, `Page ${i + 1} (PNG)`));
  if (cartoon.pdf) {
    links.push(el("a", { class: "button small ghost", id: "download-pdf", "data-kind": "pdf",
                         href: cartoon.pdf.download_url }, "PDF for A4 paper"));
  }
  if (cartoon.pdf_letter) {
    links.push(el("a", { class: "button small ghost", id: "download-pdf-letter",
                         "data-kind": "pdf", href: cartoon.pdf_letter.download_url },
                  "PDF for US Letter"));
  }
  if (cartoon.cbz) {
    links.push(el("a", { class: "button small ghost", id: "download-cbz", "data-kind": "cbz",
                         href: cartoon.cbz.download_url }, "CBZ (comic readers)"));
  }
  $("#downloads").replaceChildren(...links);
}

// ---- The reader (phone) ----

function readerPanels() {
  return (cartoon.panels || []).filter((p) => p.reader && p.reader.url);
}

function renderReader() {
  const panels = readerPanels();
  show($("#reader"), panels.length > 0);
  if (!panels.length) return;
  readerIndex = clamp(readerIndex, 0, panels.length - 1);
  const panel = panels[readerIndex];
  const scene = cartoon.scenes.find((s) => s.number === panel.number) || { action: "", elements: [] };
  const image = $("#reader-image");
  if (withoutQuery(image.src) !== withoutQuery(panel.reader.url)) image.src = panel.reader.url;
  image.width = panel.reader.width;
  image.height = panel.reader.height;
  image.dataset.scene = panel.number;
  image.dataset.textPx = panel.reader.text_px || "";
  const said = scene.elements.map((e) => (e.speaker ? `${e.speaker}: ${e.text}` : e.text));
  image.alt = `Panel ${panel.number}: ${scene.action}${said.length ? ` — ${said.join(" / ")}` : ""}`;
  $("#reader-count").textContent = `${readerIndex + 1} / ${panels.length}`;
  $("#reader-prev").disabled = readerIndex === 0;
  $("#reader-next").disabled = readerIndex === panels.length - 1;
  const next = panels[readerIndex + 1];
  if (next) new Image().src = next.reader.url; // ready before the swipe
}

function turn(by) {
  const panels = readerPanels();
  const to = clamp(readerIndex + by, 0, panels.length - 1);
  if (to === readerIndex) return;
  readerIndex = to;
  renderReader();
}

function readerVisible() {
  return !$("#reader").hidden && $("#reader").getClientRects().length > 0;
}

function setUpReader() {
  $("#reader-prev").addEventListener("click", () => turn(-1));
  $("#reader-next").addEventListener("click", () => turn(1));
  document.addEventListener("keydown", (event) => {
    if (!readerVisible() || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, .handle")) return;
    if (event.key === "ArrowRight") { turn(1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { turn(-1); event.preventDefault(); }
  });
  // A horizontal swipe turns; vertical scrolling and pinch zoom stay the browser's (touch-action).
  const frame = $("#reader-frame");
  let start = null;
  frame.addEventListener("pointerdown", (event) => {
    start = event.isPrimary ? { x: event.clientX, y: event.clientY, id: event.pointerId } : null;
  });
  frame.addEventListener("pointercancel", () => { start = null; });
  frame.addEventListener("pointerup", (event) => {
    if (!start || event.pointerId !== start.id) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > 1.5 * Math.abs(dy)) turn(dx < 0 ? 1 : -1);
  });
  frame.addEventListener("dragstart", (event) => event.preventDefault());
}

// ---- The scenes' cards ----

function signature(scene) {
  return JSON.stringify([scene.state, scene.attempt, scene.image && withoutQuery(scene.image.url),
    scene.elements, scene.reason, scene.chosen_version, (scene.versions || []).length,
    scene.action]);
}

function renderScene(scene) {
  const id = `scene-${scene.number}`;
  let panel = document.getElementById(id);
  const editing = panel && (panel.dataset.dirty === "true" || (panel.contains(document.activeElement) &&
    document.activeElement.matches("input, select, textarea")));
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
  panel.append(textsForm(scene), panelActions(scene),
    el("p", { class: "notice", "data-notice": "", role: "alert", hidden: true }));
  return panel;
}

// The scene's texts, in reading order: each a caption or a balloon with its speaker.
function textsForm(scene) {
  const list = el("ol", { class: "elements" });
  const form = el("form", { class: "texts-form stack", "aria-label": `Texts of scene ${scene.number}` },
    el("h4", {}, "Texts"), list);
  const add = el("button", { type: "button", class: "button small ghost add-element" }, "Add a text");
  const addRow = (element) => {
    list.append(elementRow(scene, element, list));
    refresh();
  };
  const refresh = () => {
    add.disabled = list.children.length >= MAX_ELEMENTS;
    [...list.children].forEach((row, i) => {
      $(".element-number", row).textContent = `Text ${i + 1}`;
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
    el("button", { type: "submit", class: "button small" }, "Save the texts")));
  form.addEventListener("input", () => { form.closest(".panel").dataset.dirty = "true"; });
  form.addEventListener("submit", (event) => saveTexts(event, scene, form));
  return form;
}

function elementRow(scene, element, list) {
  const kind = el("select", { class: "edit-kind", "aria-label": "Kind" },
    ...Object.entries(KIND_LABELS).map(([value, label]) =>
      el("option", { value, selected: value === element.kind }, label)));
  const speaker = el("select", { class: "edit-speaker", "aria-label": "Who says it" },
    ...scene.characters.map((name) => el("option", { value: name, selected: name === element.speaker }, name)));
  const text = el("textarea", { class: "edit-text", maxlength: 400, rows: 2, "aria-label": "Text" });
  text.value = element.text;
  const row = el("li", { class: "element-row" },
    el("div", { class: "row-head" }, el("strong", { class: "element-number" }),
      el("button", { type: "button", class: "button small ghost remove-element" }, "Remove")),
    el("div", { class: "element-fields" }, kind, speaker), text,
    el("p", { class: "notice", "data-element-notice": "", role: "alert", hidden: true }));
  row.element = element;
  const sync = () => {
    const balloon = kind.value !== "caption";
    speaker.hidden = !balloon || !scene.characters.length;
    if (balloon && !scene.characters.length) kind.setCustomValidity("A balloon needs a speaker in the scene.");
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
  rows.forEach((row) => {
    message($("[data-element-notice]", row), "");
    $(".edit-text", row).removeAttribute("aria-invalid");
  });
  const elements = rows.map((row) => {
    const kind = $(".edit-kind", row).value;
    const item = { kind, text: $(".edit-text", row).value.trim() };
    if (kind !== "caption") item.speaker = $(".edit-speaker", row).value;
    const before = row.element;
    // A text that keeps its kind keeps the place its owner gave it.
    if (before.kind === kind && before.at) item.at = before.at;
    if (before.kind === kind && kind !== "caption" && before.tail) item.tail = before.tail;
    return item;
  });
  button.disabled = true;
  try {
    cartoon = await Api.patch(`/api/cartoons/${encodeURIComponent(cartoonId)}/scenes/${scene.number}`,
                              { elements });
    delete card.dataset.dirty;
    if (document.activeElement) document.activeElement.blur();
    render();
    const fresh = $(`#scene-${scene.number} [data-notice]`);
    message(fresh, cartoon.status === "composing"
      ? "Saved; the pages are being composed with the new text." : "Saved.", "ok");
    if (cartoon.status === "composing" || cartoon.status === "drawing") schedule(1.5);
  } catch (error) {
    button.disabled = false;
    const field = error.details && error.details.field;
    const found = field && /elements\[(\d+)\]/.exec(field);
    if (found && rows[Number(found[1])]) {
      const row = rows[Number(found[1])];
      // The field's path is for programs; the person sees the reason next to the text.
      message($("[data-element-notice]", row), error.message.replace(/^scenes\[\d+\]\.\S+: /, ""),
              "error");
      $(".edit-text", row).setAttribute("aria-invalid", "true");
      $(".edit-text", row).focus();
    } else {
      message(notice, error.message, "error");
    }
  }
}

function panelActions(scene) {
  const actions = el("div", { class: "actions" });
  if (scene.image) {
    actions.append(el("a", { class: "button small ghost panel-download",
                             href: scene.image.download_url }, "Download"));
  }
  if (scene.state === "done" || scene.state === "failed") {
    actions.append(el("button", { type: "button", class: "button small ghost redraw",
                                  onclick: (event) => (window.Redraw
                                    ? window.Redraw.open(cartoon, scene, { onDone: load })
                                    : redraw(event, scene.number)) },
      `Redraw (${plural(cartoon.credits_per_scene, "credit")})`));
  }
  return actions;
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
  setUpReader();
  const me = await requireAccount();
  if (!me) return;
  await load();
});
