// A balloon's outline, as the server draws it (comic/lettering.py's drawing, comic/placement.py's
// tails), for the cartoon page's overlay to draw the same shape in SVG as the owner edits.
// Pure functions of px geometry: a box [left, top, right, bottom], the text size, a tail's tip.
// Each kind answers a list of SVG parts ({tag, attrs}) drawn in order; `role` says which fill.

const BEND = 0.12; // placement.BEND: a tail's curve, of its length

// placement.radius: the corners' radius of a balloon's rounded box.
export function radius(box, size) {
  return Math.min((box[3] - box[1]) / 2, 1.3 * size, (box[2] - box[0]) / 2);
}

// placement.root: the tail's two base points on the edge facing the tip, off the corners.
export function tailRoot(box, tip, size) {
  const [left, top, right, bottom] = box;
  const cx = (left + right) / 2;
  const cy = (top + bottom) / 2;
  const edge = tip[1] >= cy ? bottom : top;
  let x = Math.abs(tip[1] - cy) < 1e-6 ? cx : cx + ((tip[0] - cx) * (edge - cy)) / (tip[1] - cy);
  const half = Math.max(0.35 * size, 0.05 * Math.hypot(cx - tip[0], edge - tip[1]));
  const low = left + radius(box, size) + half;
  const high = right - radius(box, size) - half;
  x = low > high ? cx : Math.min(Math.max(x, low), high);
  const inward = edge === bottom ? -1 : 1;
  return [[x - half, edge + inward], [x + half, edge + inward]];
}

// placement.bend_of: a slight curve, bowed upwards.
export function bendOf(base, tip) {
  const middle = [(base[0][0] + base[1][0]) / 2, base[0][1]];
  const dx = tip[0] - middle[0];
  const dy = tip[1] - middle[1];
  return (dx < 0 ? 1 : -1) * BEND * Math.hypot(dx, dy);
}

// placement.outline: base[0] to the tip and back to base[1], each side a quadratic curve.
export function tailOutline(tip, base, bend, steps = 4) {
  const points = [];
  base.forEach((start, n) => {
    const dx = tip[0] - start[0];
    const dy = tip[1] - start[1];
    const length = Math.hypot(dx, dy) || 1;
    const control = [(start[0] + tip[0]) / 2 - (dy / length) * bend,
                     (start[1] + tip[1]) / 2 + (dx / length) * bend];
    const side = [];
    for (let k = 0; k <= steps; k += 1) {
      const t = k / steps;
      side.push([(1 - t) ** 2 * start[0] + 2 * (1 - t) * t * control[0] + t * t * tip[0],
                 (1 - t) ** 2 * start[1] + 2 * (1 - t) * t * control[1] + t * t * tip[1]]);
    }
    points.push(...(n === 0 ? side : side.reverse().slice(1)));
  });
  return points;
}

const pointsOf = (points) => points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");

function roundedBox(box, size, role) {
  const r = radius(box, size);
  return { tag: "rect", role, attrs: { x: box[0], y: box[1], width: box[2] - box[0],
                                       height: box[3] - box[1], rx: r, ry: r } };
}

function wedge(box, size, tip) {
  const base = tailRoot(box, tip, size);
  return { tag: "polygon", role: "balloon",
           attrs: { points: pointsOf(tailOutline(tip, base, bendOf(base, tip))) } };
}

// A thought's tail: three shrinking bubbles from the box towards the tip.
function bubbles(box, size, tip) {
  const base = tailRoot(box, tip, size);
  const start = [(base[0][0] + base[1][0]) / 2, base[0][1]];
  return [[0.35, 0.45], [0.65, 0.32], [0.9, 0.2]].map(([k, scale]) => ({
    tag: "circle", role: "balloon",
    attrs: { cx: start[0] + (tip[0] - start[0]) * k, cy: start[1] + (tip[1] - start[1]) * k,
             r: size * scale } }));
}

// Each kind's parts, in drawing order (a tail first, its box over it). `tip` is null without one.
const KINDS = {
  caption: (box) => [{ tag: "rect", role: "caption",
                       attrs: { x: box[0], y: box[1], width: box[2] - box[0],
                                height: box[3] - box[1] } }],
  speech: (box, size, tip) => [...(tip ? [wedge(box, size, tip)] : []),
                               roundedBox(box, size, "balloon")],
  thought: (box, size, tip) => [...(tip ? bubbles(box, size, tip) : []),
                                roundedBox(box, size, "balloon")],
};

// The SVG parts of a balloon of `kind` (speech when the kind is unknown here).
export function balloonParts(kind, box, size, tip = null) {
  return (KINDS[kind] || KINDS.speech)(box, size, tip);
}

// The outline's stroke width, as the server draws it (lettering.draw).
export const outlineWidth = (size) => Math.max(2, Math.round(size / 14));
