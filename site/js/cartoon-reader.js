// The cartoon page's reader (a phone, 600 px or less): one panel at a time, edge to edge,
// lettered for that width; swipe, the arrow keys or the buttons move between panels.
import { $, show, withoutQuery } from "./dom.js";
import { I18n } from "./i18n.js";
import { cartoonPage, clamp } from "./cartoon-state.js";
import { sceneAlt } from "./cartoon-words.js";

function readerPanels() {
  return (cartoonPage.cartoon.panels || []).filter((p) => p.reader && p.reader.url);
}

export function renderReader() {
  const panels = readerPanels();
  show($("#reader"), panels.length > 0);
  if (!panels.length) return;
  cartoonPage.readerIndex = clamp(cartoonPage.readerIndex, 0, panels.length - 1);
  const panel = panels[cartoonPage.readerIndex];
  const scene = cartoonPage.cartoon.scenes.find((s) => s.number === panel.number) || { action: "", elements: [] };
  const image = $("#reader-image");
  if (withoutQuery(image.src) !== withoutQuery(panel.reader.url)) image.src = panel.reader.url;
  image.width = panel.reader.width;
  image.height = panel.reader.height;
  image.dataset.scene = panel.number;
  image.dataset.textPx = panel.reader.text_px || "";
  image.alt = scene.number ? sceneAlt(scene) : "";
  $("#reader-count").textContent = I18n.t("cartoon.reader_count",
                                          { n: cartoonPage.readerIndex + 1, total: panels.length });
  // What a screen reader announces as the panel turns: where it is, and the panel in words.
  const status = I18n.t("cartoon.reader_status",
                        { n: cartoonPage.readerIndex + 1, total: panels.length, alt: image.alt });
  if ($("#reader-status").textContent !== status) $("#reader-status").textContent = status;
  $("#reader-prev").disabled = cartoonPage.readerIndex === 0;
  $("#reader-next").disabled = cartoonPage.readerIndex === panels.length - 1;
  const next = panels[cartoonPage.readerIndex + 1];
  if (next) new Image().src = next.reader.url; // ready before the swipe
}

function turn(by) {
  const panels = readerPanels();
  const to = clamp(cartoonPage.readerIndex + by, 0, panels.length - 1);
  if (to === cartoonPage.readerIndex) return;
  cartoonPage.readerIndex = to;
  renderReader();
}

// Full screen: the Fullscreen API where the browser has it (not an iPhone's Safari), else the
// reader as a fixed layer over the page. Either way the panel fills the width, the buttons stay
// below it, and Escape (or the button) comes back.
function fullScreen() {
  return $("#reader").classList.contains("reader-full");
}

function showFullScreen(wanted) {
  const reader = $("#reader");
  reader.classList.toggle("reader-full", wanted);
  document.documentElement.classList.toggle("reading", wanted);
  const button = $("#reader-full");
  button.setAttribute("aria-pressed", String(wanted));
  button.textContent = I18n.t(wanted ? "cartoon.reader_close" : "cartoon.reader_fullscreen");
  button.setAttribute("aria-label", I18n.t(wanted ? "cartoon.reader_close_label"
                                                  : "cartoon.reader_fullscreen_label"));
}

async function toggleFullScreen() {
  const reader = $("#reader");
  const wanted = !fullScreen();
  showFullScreen(wanted);
  try {
    if (wanted && reader.requestFullscreen) await reader.requestFullscreen({ navigationUI: "hide" });
    else if (!wanted && document.fullscreenElement) await document.exitFullscreen();
  } catch (error) { /* refused: the fixed layer stands in */ }
  $("#reader-full").focus();
}

function readerVisible() {
  return !$("#reader").hidden && $("#reader").getClientRects().length > 0;
}

export function setUpReader() {
  $("#reader-full").addEventListener("click", toggleFullScreen);
  // Leaving the browser's full screen (its own gesture, or Escape) leaves the reading mode too.
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && fullScreen()) showFullScreen(false);
  });
  $("#reader-prev").addEventListener("click", () => turn(-1));
  $("#reader-next").addEventListener("click", () => turn(1));
  // The reader's link to the transcript opens it and takes the focus there.
  $("#reader-transcript").addEventListener("click", (event) => {
    event.preventDefault();
    $("#transcript").open = true;
    $("#transcript-summary").focus();
    $("#transcript").scrollIntoView({ block: "start" });
  });
  document.addEventListener("keydown", (event) => {
    if (!readerVisible() || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, .handle")) return;
    if (event.key === "ArrowRight") { turn(1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { turn(-1); event.preventDefault(); }
    if (event.key === "Escape" && fullScreen() && !document.fullscreenElement) showFullScreen(false);
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
