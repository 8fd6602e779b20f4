// The lettering's text as the server sets it (comic/lettering.py, comic/typeset.py), measured in
// the browser: the same face (@font-face "Lettering", css/overlay.css), widths from a canvas's
// measureText without kerning (the server's Pillow lays text out without it), and the same
// balanced wrapping (lettering._balanced), so a resized balloon rewraps as it will be drawn.

import { STYLES } from "./balloon-shapes.js";
import { cartoonPage } from "./cartoon-state.js";

const overlay = cartoonPage.overlay; // the overlay's part of the page's state
const FACE = "Lettering";
const LINE_SPACING = 1.18; // typeset.LINE_SPACING
const BALLOON_EMS = Object.freeze([7, 8.5, 10, 11.5, 13, 15, 17, 19.5, 22, 25, 28, 34, 40]); // lettering's
const WIDEST = 0.94; // lettering.WIDEST: a box's widest, of the panel's width

export const lineHeight = (size) => Math.round(size * LINE_SPACING);

export const SOUND_SCALE = 1.8; // balloons.SOUND_SCALE: a sound effect's letters, of the size
export const SOUND_ANGLE = -6; // balloons.SOUND_ANGLE: its tilt when none is given

// lettering._paddings: [x, y] around the text, px (each kind's `pad` in the options).
export function paddings(kind, size) {
  const found = cartoonPage.options.kinds.find((k) => k.key === kind);
  return (found ? found.pad : cartoonPage.options.kinds[0].pad).map((k) => k * size);
}

// The emphasis markup (`*word*`), as the options serve its pattern.
const emphasis = () => new RegExp(cartoonPage.options.emphasis, "g");

// The faces loaded before anything is measured (a fallback face would measure otherwise).
export function loadFaces() {
  return Promise.all([document.fonts.load(`400 20px ${FACE}`),
                      document.fonts.load(`700 20px ${FACE}`)]).catch(() => null);
}

// typeset.spans: a text's runs, `*emphasis*` cut into [{text, strong}], the asterisks that
// pair dropped (a lone one is drawn).
export function runsOf(line) {
  const runs = [];
  let from = 0;
  for (const found of line.matchAll(emphasis())) {
    if (found.index > from) runs.push({ text: line.slice(from, found.index), strong: false });
    runs.push({ text: found[1], strong: true });
    from = found.index + found[0].length;
  }
  if (from < line.length) runs.push({ text: line.slice(from), strong: false });
  return runs;
}

function context() {
  const m = overlay.measure;
  if (!m.context) {
    m.context = document.createElement("canvas").getContext("2d");
    m.context.fontKerning = "none";
  }
  return m.context;
}

function advance(text, size, strong) {
  const key = `${strong ? 7 : 4}|${size}|${text}`;
  const widths = overlay.measure.widths;
  if (!widths.has(key)) {
    const ctx = context();
    ctx.font = `${strong ? 700 : 400} ${size}px ${FACE}`;
    widths.set(key, ctx.measureText(text).width);
  }
  return widths.get(key);
}

// The width of `text` (with its markup) at `size` px.
export const widthOf = (text, size) =>
  runsOf(text).reduce((sum, run) => sum + advance(run.text, size, run.strong), 0);

// typeset.BASELINE: a line's baseline below its top, of the size (where Pillow draws it).
const BASELINE = 0.9;
export const ascent = (size) => BASELINE * size;

// A caption's box (its lines left-aligned in a wide strip), as the engine tells it: by outline.
const boxed = (kind) => (STYLES[kind] || STYLES.speech).outline === "box";

// typeset.french: a space typed before `: ; ! ? » %` or after `«` is a no-break space (the
// face has U+00A0, not the narrow one), so no line starts with them.
const french = (text) => text.replace(/\s+(?=\*?[:;!?»%])|(?<=[«])\s+/g, "\u00a0");
const BREAKS = /[ \t\n\r\f\v]+/; // where a line may break: not at a no-break space

// typeset.units: the pieces wrapping keeps whole, as markup, each emphasised word marked on
// its own (so any line of them says which words are bold).
function units(text) {
  const out = [];
  for (const run of runsOf(french(text.trim()))) {
    let pieces = run.text.split(BREAKS);
    if (out.length && !BREAKS.test(run.text.slice(0, 1))) {
      out[out.length - 1].push([pieces[0], run.strong]); // it goes on with the word before
      pieces = pieces.slice(1);
    }
    for (const piece of pieces) out.push([[piece, run.strong]]);
  }
  return out.map((parts) => parts.filter(([part]) => part)
    .map(([part, strong]) => (strong ? `*${part}*` : part)).join("")).filter(Boolean);
}

// lettering._breaks: greedy lines as [start, end) unit ranges; null when one does not fit.
function breaks(widths, space, limit) {
  const lines = [];
  let start = 0;
  let used = null;
  for (let i = 0; i < widths.length; i += 1) {
    if (used === null) used = widths[i];
    else if (used + space + widths[i] <= limit(lines.length)) {
      used += space + widths[i];
      continue;
    } else {
      lines.push([start, i]);
      start = i;
      used = widths[i];
    }
    if (used > limit(lines.length)) return null;
  }
  lines.push([start, widths.length]);
  return lines;
}

const spanWidth = (widths, space, [a, b]) =>
  widths.slice(a, b).reduce((s, w) => s + w, 0) + space * (b - a - 1);

// lettering._lens: the balanced lines reshaped around a wider middle (a balloon's oval).
function lens(lines, widths, space) {
  const count = lines.length;
  if (count < 3) return lines;
  const widest = Math.max(...lines.map((line) => spanWidth(widths, space, line)));
  const limit = (k) => {
    const offset = (2 * (Math.min(k, count - 1) + 0.5)) / count - 1;
    return widest * (1.04 - 0.25 * offset ** 2);
  };
  const shaped = breaks(widths, space, limit);
  return shaped && shaped.length === count ? shaped : lines;
}

// lettering._balanced: {lines, width}, the narrowest wrapping with as few lines as `maxWidth`
// allows; null when a word is wider than `maxWidth`.
function balanced(text, size, maxWidth, oval = false) {
  const words = units(text);
  if (!words.length) return null;
  const widths = words.map((w) => widthOf(w, size));
  const space = advance(" ", size, false);
  let lines = breaks(widths, space, () => maxWidth);
  if (!lines) return null;
  if (lines.length > 1) {
    let low = Math.max(...widths);
    let high = maxWidth;
    const count = lines.length;
    while (high - low > 2) {
      const middle = (low + high) / 2;
      const trial = breaks(widths, space, () => middle);
      if (trial && trial.length <= count) high = middle;
      else low = middle;
    }
    lines = breaks(widths, space, () => high);
    if (oval) lines = lens(lines, widths, space);
  }
  // a line measures the sum of its words and spaces, exactly (the faces have no kerning)
  const widest = Math.max(...lines.map((line) => spanWidth(widths, space, line))) + 1;
  return { lines: lines.map(([a, b]) => words.slice(a, b).join(" ")), width: widest };
}

// A box for `text` wrapped to fit `boxWidth` px: {w, h, lines}, px, as narrow as the wrapping
// allows; null when a word does not fit in it.
export function shapeFor(kind, text, size, boxWidth) {
  const [padX, padY] = paddings(kind, size);
  const wrapped = balanced(text, size, boxWidth - 2 * padX, !boxed(kind));
  if (!wrapped) return null;
  return { w: Math.ceil(wrapped.width + 2 * padX),
           h: Math.ceil(wrapped.lines.length * lineHeight(size) + 2 * padY),
           lines: wrapped.lines };
}

// The box an owner made `width` of the panel's `panelW` px wide (lettering._shape_at): that
// wide, its text wrapped balanced inside; null when a word does not fit.
export function shapeAt(kind, text, size, width, panelW) {
  const w = Math.ceil(width * panelW);
  const shape = shapeFor(kind, text, size, w);
  return shape && { ...shape, w };
}

// The shape lettering._shapes_of likes best for `text` in a panel `panelW` x `panelH` px (a
// balloon about twice as wide as tall, a caption a wide strip): for a text the owner has given
// no width, until the server places it.
export function idealShape(kind, text, size, panelW, panelH) {
  const caption = boxed(kind);
  const ideal = caption ? 5 : 2;
  const found = new Map();
  for (const ems of caption ? BALLOON_EMS.slice(1) : BALLOON_EMS) {
    const shape = shapeFor(kind, text, size, Math.min(ems * size, panelW * WIDEST));
    if (!shape || found.has(shape.lines.length) || shape.h > panelH) continue;
    found.set(shape.lines.length,
              { ...shape, cost: Math.abs(Math.log(shape.w / shape.h / ideal)) * (caption ? 0.3 : 1.5) });
  }
  let shapes = [...found.values()].sort((a, b) => a.cost - b.cost);
  if (!caption) shapes = shapes.filter((s) => s.w >= 0.9 * s.h).concat(shapes).slice(0, shapes.length);
  return shapes[0] || null;
}
