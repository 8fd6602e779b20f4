// A balloon's outline, as the server draws it (comic/balloons.py's parts, comic/placement.py's
// tails and necks), for the cartoon page's overlay to draw the same shape in SVG as the owner
// edits: every kind of the registry (core/vocabulary.py KINDS), by the same formulas.
// Pure functions of px geometry: a box [left, top, right, bottom], the text size, a tail's tip.
// Each kind answers a list of SVG parts ({tag, role, attrs}) drawn in order; `role` says which
// fill: "balloon" (white, inked), "caption" (yellow, inked), "join" (white, no stroke: it opens
// the outline where a tail or a neck meets it), "sound" (nothing: a sound effect's box).
// tests/site/test_balloon_shapes.py runs this in node against the server's parts.

const BEND = 0.12; // placement.BEND: a tail's curve, of its length

// placement.radius: the corners' radius of a balloon's rounded box.
export function radius(box, size) {
  return Math.min((box[3] - box[1]) / 2, 1.3 * size, (box[2] - box[0]) / 2);
}

// placement.root: the tail's two base points on the edge facing the tip, off the corners.
function tailRoot(box, tip, size) {
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
function bendOf(base, tip) {
  const middle = [(base[0][0] + base[1][0]) / 2, base[0][1]];
  const dx = tip[0] - middle[0];
  const dy = tip[1] - middle[1];
  return (dx < 0 ? 1 : -1) * BEND * Math.hypot(dx, dy);
}

// placement.outline: base[0] to the tip and back to base[1], each side a quadratic curve.
function tailOutline(tip, base, bend, steps = 4) {
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

// placement.edge_root: a tail's base for a tip beside the box (left or right, level with it).
function edgeRoot(box, tip, size) {
  const [left, top, right, bottom] = box;
  if (top <= tip[1] && tip[1] <= bottom && (tip[0] <= left || tip[0] >= right)) {
    const edge = tip[0] <= left ? left : right;
    const half = 0.35 * size;
    const low = top + radius(box, size) + half;
    const high = bottom - radius(box, size) - half;
    const y = low > high ? (top + bottom) / 2 : Math.min(Math.max(tip[1], low), high);
    const inward = edge === left ? 1 : -1;
    return [[edge + inward, y - half], [edge + inward, y + half]];
  }
  return tailRoot(box, tip, size);
}

// placement.edge_tip: a voice from off panel points to the panel's nearest edge (`panel`: [w, h]).
function edgeTip(box, panel) {
  const cx = (box[0] + box[2]) / 2;
  const cy = (box[1] + box[3]) / 2;
  const edges = [[box[0], [0, cy]], [panel[0] - box[2], [panel[0], cy]], [box[1], [cx, 0]],
                 [panel[1] - box[3], [cx, panel[1]]]];
  return edges.reduce((best, edge) => (edge[0] < best[0] ? edge : best))[1];
}

// The registry's outline and tail of each kind (core/vocabulary.py KINDS, comic/balloons.py
// STYLES), with the room kept around the text: tests/site/test_balloon_shapes.py holds them equal.
const BUMP = 0.5; // balloons.BUMP
const SPIKE = 0.7; // balloons.SPIKE
const DASH = [0.55, 0.35]; // balloons.DASH
const NECK = 0.6; // placement.NECK
export const STYLES = {
  caption: { outline: "box", tail: null },
  speech: { outline: "rounded", tail: "wedge" },
  thought: { outline: "cloud", tail: "bubbles" },
  whisper: { outline: "dashed", tail: "wedge" },
  shout: { outline: "burst", tail: "wedge" },
  offpanel: { outline: "rounded", tail: "edge" },
  sound: { outline: "none", tail: null },
};

const pointsOf = (points) => points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
const inset = (box, by) => [box[0] + by, box[1] + by, box[2] - by, box[3] - by];

// balloons.perimeter: a rounded box walked clockwise from its top edge's left end; `at(u)` gives
// the point and the outward normal at length u.
function perimeter(box, r) {
  const [left, top, right, bottom] = box;
  const w = right - left - 2 * r;
  const h = bottom - top - 2 * r;
  const arc = (Math.PI / 2) * r;
  const segments = [
    ["line", [left + r, top], [right - r, top], [0, -1], w],
    ["arc", [right - r, top + r], -Math.PI / 2, null, arc],
    ["line", [right, top + r], [right, bottom - r], [1, 0], h],
    ["arc", [right - r, bottom - r], 0, null, arc],
    ["line", [right - r, bottom], [left + r, bottom], [0, 1], w],
    ["arc", [left + r, bottom - r], Math.PI / 2, null, arc],
    ["line", [left, bottom - r], [left, top + r], [-1, 0], h],
    ["arc", [left + r, top + r], Math.PI, null, arc],
  ];
  const length = segments.reduce((sum, s) => sum + s[4], 0);
  const at = (given) => {
    let u = length ? ((given % length) + length) % length : 0;
    for (const [kind, a, b, normal, size] of segments) {
      if (u <= size) {
        if (kind === "line") {
          const t = size ? u / size : 0;
          return [[a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], normal];
        }
        const angle = b + (r ? u / r : 0);
        const n = [Math.cos(angle), Math.sin(angle)];
        return [[a[0] + r * n[0], a[1] + r * n[1]], n];
      }
      u -= size;
    }
    return [segments[0][1], segments[0][3]];
  };
  return { length, at };
}

// balloons.cloud: bumps whose centres run along a rounded box inset by their radius.
function cloud(box, size) {
  const d = BUMP * size;
  const inner = inset(box, d);
  const { length, at } = perimeter(inner, radius(inner, size));
  const count = Math.max(6, Math.round(length / (1.6 * d)));
  const step = length / count;
  const samples = 8;
  const points = [];
  for (let k = 0; k < count * samples; k += 1) {
    const u = (k * step) / samples;
    const x = (u % step) - step / 2;
    const [[px, py], [nx, ny]] = at(u);
    const lift = Math.sqrt(Math.max(d * d - x * x, 0));
    points.push([px + nx * lift, py + ny * lift]);
  }
  return points;
}

// balloons.burst: spikes, long and shorter in turn, out of a rounded box inset by their length.
function burst(box, size) {
  const d = SPIKE * size;
  const inner = inset(box, d);
  const { length, at } = perimeter(inner, radius(inner, size));
  const count = Math.max(8, 2 * Math.round(length / (2.2 * d)));
  const step = length / count;
  const points = [];
  for (let k = 0; k < count; k += 1) {
    for (const [u, lift] of [[k * step, 0.1 * d], [(k + 0.5) * step, k % 2 === 0 ? d : 0.7 * d]]) {
      const [[px, py], [nx, ny]] = at(u);
      points.push([px + nx * lift, py + ny * lift]);
    }
  }
  return points;
}

// The outline's stroke width, as the server draws it (balloons.outline_width).
export const outlineWidth = (size) => Math.max(2, Math.round(size / 14));

// balloons._patch: a quad painting over the outline between a and b (trim outline widths off
// each end), from `out` px outside the edge to `into` px inside it.
function patch(a, b, inward, size, into, trim = 1.5, out = null) {
  const w = outlineWidth(size);
  const o = out === null ? w : out;
  const along = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  const ax = ((b[0] - a[0]) / along) * trim * w;
  const ay = ((b[1] - a[1]) / along) * trim * w;
  const [nx, ny] = inward;
  return { tag: "polygon", role: "join", attrs: { points: pointsOf([
    [a[0] + ax - nx * o, a[1] + ay - ny * o], [b[0] - ax - nx * o, b[1] - ay - ny * o],
    [b[0] - ax + nx * into, b[1] - ay + ny * into], [a[0] + ax + nx * into, a[1] + ay + ny * into],
  ]) } };
}

// balloons._inward: from a tail's base into its box.
function inwardOf(base, box) {
  const [[x0, y0], [x1, y1]] = base;
  if (Math.abs(x1 - x0) >= Math.abs(y1 - y0)) return [0, y0 < (box[1] + box[3]) / 2 ? 1 : -1];
  return [x0 < (box[0] + box[2]) / 2 ? 1 : -1, 0];
}

const dashed = (size) => `${(DASH[0] * size).toFixed(1)} ${(DASH[1] * size).toFixed(1)}`;

// balloons._wedge: a wedge tail and its patch (under a burst, sunk and with none).
function wedge(kind, box, size, tip, base, bend) {
  const [nx, ny] = inwardOf(base, box);
  const isBurst = STYLES[kind].outline === "burst";
  const sink = isBurst ? SPIKE * size : 0;
  const sunk = base.map(([x, y]) => [x + nx * sink, y + ny * sink]);
  const tail = { tag: "polygon", role: "balloon",
                 attrs: { points: pointsOf(tailOutline(tip, sunk, bend)) } };
  if (STYLES[kind].outline === "dashed") tail.attrs["stroke-dasharray"] = dashed(size);
  if (isBurst) return [[tail], []];
  const edge = base.map(([x, y]) => [x - nx, y - ny]);
  return [[tail], [patch(edge[0], edge[1], [nx, ny], size, outlineWidth(size) + 1)]];
}

// placement.neck: the ends of a neck from box `first` to the next box `second`, or null.
const NECK_GAPS = [0.8, 2.5];
function neckEnds(first, second, size) {
  const half = (NECK * size) / 2;
  const [shortest, longest] = [NECK_GAPS[0] * size, NECK_GAPS[1] * size];
  const r1 = radius(first, size) / 2;
  const r2 = radius(second, size) / 2;
  const below = second[1] - first[3];
  if (below >= shortest && below <= longest) {
    const low = Math.max(first[0] + r1, second[0] + r2) + half;
    const high = Math.min(first[2] - r1, second[2] - r2) - half;
    if (low <= high) return [[(low + high) / 2, first[3]], [(low + high) / 2, second[1]]];
  }
  const beside = second[0] - first[2];
  if (beside >= shortest && beside <= longest) {
    const low = Math.max(first[1] + r1, second[1] + r2) + half;
    const high = Math.min(first[3] - r1, second[3] - r2) - half;
    if (low <= high) return [[first[2], (low + high) / 2], [second[0], (low + high) / 2]];
  }
  return null;
}

// balloons.neck: the band joining two balloons of one speaker, and its patches.
function neck(first, second, size) {
  const ends = neckEnds(first, second, size);
  if (!ends) return null;
  const [[ax, ay], [bx, by]] = ends;
  const half = (NECK * size) / 2;
  const length = Math.hypot(bx - ax, by - ay) || 1;
  const ux = (bx - ax) / length;
  const uy = (by - ay) / length;
  const hx = -uy * half;
  const hy = ux * half;
  const ext = Math.max(radius(first, size), radius(second, size)) / 2;
  const band = { tag: "polygon", role: "balloon", attrs: { points: pointsOf([
    [ax - hx - ux * ext, ay - hy - uy * ext], [bx - hx + ux * ext, by - hy + uy * ext],
    [bx + hx + ux * ext, by + hy + uy * ext], [ax + hx - ux * ext, ay + hy - uy * ext],
  ]) } };
  const into = ext + 2 * outlineWidth(size);
  return [band, [patch([ax - hx, ay - hy], [ax + hx, ay + hy], [-ux, -uy], size, into, -1, 0),
                 patch([bx - hx, by - hy], [bx + hx, by + hy], [ux, uy], size, into, -1, 0)]];
}

// balloons.outline_part: the outline of a balloon of `kind` on `box`.
function outlinePart(kind, box, size) {
  const shape = STYLES[kind].outline;
  const rect = { x: box[0], y: box[1], width: box[2] - box[0], height: box[3] - box[1] };
  if (shape === "box") return { tag: "rect", role: "caption", attrs: rect };
  if (shape === "none") return { tag: "rect", role: "sound", attrs: rect };
  if (shape === "cloud") return { tag: "polygon", role: "balloon", attrs: { points: pointsOf(cloud(box, size)) } };
  if (shape === "burst") return { tag: "polygon", role: "balloon", attrs: { points: pointsOf(burst(box, size)) } };
  const r = radius(box, size);
  const part = { tag: "rect", role: "balloon", attrs: { ...rect, rx: r, ry: r } };
  if (shape === "dashed") part.attrs["stroke-dasharray"] = dashed(size);
  return part;
}

// balloons._bubbles: a thought's tail, three shrinking bubbles from the box towards the tip.
function bubbles(tip, base, size) {
  const start = [(base[0][0] + base[1][0]) / 2, (base[0][1] + base[1][1]) / 2];
  return [[0.35, 0.45], [0.65, 0.32], [0.9, 0.2]].map(([k, scale]) => ({
    tag: "circle", role: "balloon",
    attrs: { cx: start[0] + (tip[0] - start[0]) * k, cy: start[1] + (tip[1] - start[1]) * k,
             r: size * scale } }));
}

// The SVG parts of a balloon of `kind` (speech when the kind is unknown here), in drawing order:
// its tail (or the neck from `extra.joined`, the px box of the balloon it continues, when the
// geometry says `joined`), its outline,
// then the patches ("join": filled, no stroke) that open the outline where they meet. `tip` is
// null without a tail; a voice from off panel without one points to `extra.panel`'s nearest
// edge. A sound effect's part is its box (role "sound", nothing drawn: its letters, turned by
// `extra.angle`, are the overlay's).
export function balloonParts(kind, box, size, tip = null, extra = {}) {
  const known = STYLES[kind] ? kind : "speech";
  const style = STYLES[known];
  let end = tip;
  if (!end && style.tail === "edge" && extra.panel) end = edgeTip(box, extra.panel);
  let before = [];
  let after = [];
  if (Array.isArray(extra.joined)) {
    const found = neck(extra.joined, box, size);
    if (found) [before, after] = [[found[0]], found[1]];
  } else if (end && style.tail === "bubbles") {
    before = bubbles(end, tailRoot(box, end, size), size);
  } else if (end && style.tail === "wedge") {
    const base = tailRoot(box, end, size);
    [before, after] = wedge(known, box, size, end, base, bendOf(base, end));
  } else if (end && style.tail === "edge") {
    [before, after] = wedge(known, box, size, end, edgeRoot(box, end, size), 0);
  }
  return [...before, outlinePart(known, box, size), ...after];
}
