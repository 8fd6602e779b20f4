// The lettering drawn in SVG over a page's art, in page px (the SVG's viewBox is the page): each
// balloon's outline from balloon-shapes.js (the server's drawing, twinned), its lines as real
// <text> in reading order, in the lettering face, where comic/lettering.py `draw` puts them.
import { STYLES, balloonParts, outlineWidth } from "./balloon-shapes.js";
import { SOUND_ANGLE, SOUND_SCALE, ascent, lineHeight, paddings, runsOf,
         widthOf } from "./cartoon-overlay-text.js";

const SVG = "http://www.w3.org/2000/svg";
const INK = "#1d1b26"; // lettering.INK
const FILLS = Object.freeze({ caption: "#ffecaa", balloon: "#ffffff", join: "#ffffff",
                             sound: "none" });
const SOUND_FILL = "#ffce2e"; // lettering.SOUND_FILL: a sound effect's letters, inked around

function svgNode(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

// A panel's cell in page px, and its size.
export function cellOf(panel) {
  const [left, top, right, bottom] = panel.box;
  return { left, top, w: right - left, h: bottom - top };
}

// A draft's box in page px: [left, top, right, bottom].
export function boxPx(panel, box) {
  const c = cellOf(panel);
  return [c.left + box[0] * c.w, c.top + box[1] * c.h, c.left + box[2] * c.w, c.top + box[3] * c.h];
}

export function tipPx(panel, tail) {
  const c = cellOf(panel);
  return [c.left + tail[0] * c.w, c.top + tail[1] * c.h];
}

// The outline is drawn inside the box, as Pillow draws it: the path runs half a stroke in.
const inset = (box, by) => [box[0] + by, box[1] + by, box[2] - by, box[3] - by];

// The outline's parts (balloon-shapes.js): a patch ("join") is filled only, a sound effect's
// box ("sound") not drawn at all.
function parts(draft, box, size, tip, stroke, extra) {
  const drawn = balloonParts(draft.kind, inset(box, stroke / 2), size, tip, extra);
  return drawn.map((part) => svgNode(part.tag, {
    ...part.attrs, fill: part.attrs.fill || FILLS[part.role] || FILLS.balloon,
    stroke: ["join", "sound"].includes(part.role) ? "none" : part.attrs.stroke || INK,
    "stroke-width": part.attrs["stroke-width"] || stroke }));
}

// A sound effect's letters (lettering._draw_sound): SOUND_SCALE times the size, filled and
// inked around, centred on its box and turned by its angle (Pillow turns counter-clockwise).
function soundText(draft, box, size) {
  const display = Math.max(1, Math.round(SOUND_SCALE * size));
  const lh = lineHeight(display);
  const [cx, cy] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  const angle = draft.angle ?? SOUND_ANGLE;
  const node = svgNode("text", { class: "lettering-text sound-text", "font-size": display,
                                 fill: SOUND_FILL, stroke: INK, "paint-order": "stroke",
                                 "stroke-width": 2 * Math.max(2, Math.round(display * 0.07)),
                                 "stroke-linejoin": "round", "text-anchor": "middle",
                                 transform: `rotate(${-angle} ${cx.toFixed(1)} ${cy.toFixed(1)})` });
  draft.lines.forEach((line, k) => {
    const top = cy - (draft.lines.length * lh) / 2 + k * lh;
    node.append(svgNode("tspan", { x: cx.toFixed(1), y: (top + ascent(display)).toFixed(1) },
                        ...runsOf(line).map((run) => run.text)));
  });
  return node;
}

// The lines, where lettering.draw sets them: centred (a caption's from its left padding), the
// first line's top at the middle less half the lines, plus 4 % of the size; Pillow anchors
// the line's top-left at its ascender, SVG at its baseline.
function text(draft, box, size) {
  const lh = lineHeight(size);
  const caption = (STYLES[draft.kind] || STYLES.speech).outline === "box"; // reads from the left
  const x = caption ? box[0] + paddings(draft.kind, size)[0] : (box[0] + box[2]) / 2;
  let top = (box[1] + box[3]) / 2 - (draft.lines.length * lh) / 2 + size * 0.04;
  const node = svgNode("text", { class: "lettering-text", "font-size": size, fill: INK,
                             "text-anchor": caption ? "start" : "middle" });
  // A line but the last ends with a space, so that the text reads aloud as typed ("on earth",
  // not "onearth"); a centred line moves half a space right to stay where Pillow puts it.
  const half = caption ? 0 : widthOf(" ", size) / 2;
  draft.lines.forEach((line, k) => {
    const last = k === draft.lines.length - 1;
    const row = svgNode("tspan", { x: (x + (last ? 0 : half)).toFixed(1),
                                   y: (top + ascent(size)).toFixed(1) });
    for (const run of runsOf(line)) {
      row.append(run.strong ? svgNode("tspan", { "font-weight": 700 }, run.text) : run.text);
    }
    if (!last) row.append(" ");
    node.append(row);
    top += lh;
  });
  return node;
}

// One balloon's group: its outline, then its text. `before` is the draft before it (a joined
// balloon's neck goes from it).
export function drawBalloon(group, panel, draft, before) {
  const size = panel.text_px;
  const box = boxPx(panel, draft.box);
  const tip = draft.tail && draft.kind !== "caption" ? tipPx(panel, draft.tail) : null;
  const c = cellOf(panel);
  const extra = { ...draft, panel: [c.left, c.top, c.left + c.w, c.top + c.h],
                  joined: draft.joined && before ? boxPx(panel, before.box) : null };
  group.setAttribute("class", `balloon kind-${draft.kind}`);
  group.dataset.box = box.map((v) => v.toFixed(1)).join(" "); // page px: what the tests read
  const words = STYLES[draft.kind] && STYLES[draft.kind].outline === "none"
    ? soundText(draft, box, size) : text(draft, box, size);
  group.replaceChildren(...parts(draft, box, size, tip, outlineWidth(size), extra), words);
}

// A page's overlay: per panel, its balloons clipped to its cell, in reading order.
export function pageOverlay(page, panels, draftsOf) {
  // the owner's words: a browser's translator leaves them as typed
  const root = svgNode("svg", { class: "lettering", viewBox: `0 0 ${page.width} ${page.height}`,
                                width: page.width, height: page.height, translate: "no" });
  const defs = svgNode("defs");
  root.append(defs);
  for (const panel of panels) {
    const c = cellOf(panel);
    defs.append(svgNode("clipPath", { id: `cell-${panel.number}` },
                    svgNode("rect", { x: c.left, y: c.top, width: c.w, height: c.h })));
    const cell = svgNode("g", { class: "panel-lettering", "data-scene": panel.number,
                            "clip-path": `url(#cell-${panel.number})` });
    (draftsOf(panel.number) || []).forEach((draft, index, all) => {
      const group = svgNode("g", { id: `balloon-${panel.number}-${index}` });
      drawBalloon(group, panel, draft, all[index - 1]);
      cell.append(group);
    });
    root.append(cell);
  }
  return root;
}
