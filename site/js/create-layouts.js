// The create page's layout choice: one radio button a layout, with its pictogram.
import { $, el } from "./dom.js";
import { I18n } from "./i18n.js";
import { createPage } from "./create-state.js";

function pictogram(cells, key) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 40 48");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", `layout-picture ${key}`);
  const page = document.createElementNS(ns, "rect");
  Object.entries({ x: 0.5, y: 0.5, width: 39, height: 47, rx: 2, class: "page" })
    .forEach(([k, v]) => page.setAttribute(k, v));
  svg.append(page);
  for (const [x, y, width, height] of cells) {
    const rect = document.createElementNS(ns, "rect");
    Object.entries({ x, y, width, height, rx: 1, class: "cell" })
      .forEach(([k, v]) => rect.setAttribute(k, v));
    svg.append(rect);
  }
  return svg;
}

// The layouts the API serves (core/vocabulary.py), each with its pictogram, named from the
// catalogue by their keys.
export function buildLayouts() {
  const { layouts: keys, layout_cells: cells } = createPage.options;
  $("#layout-options").replaceChildren(...keys.map((key) => el("label", { class: "layout-option" },
    el("input", { type: "radio", name: "layout", value: key, checked: key === "auto",
                  "aria-describedby": `layout-hint-${key}` }),
    pictogram(cells[key], key),
    el("span", { class: "layout-label" }, I18n.t(`create.layout_${key}`)),
    el("span", { class: "layout-hint", id: `layout-hint-${key}` },
       I18n.t(`create.layout_${key}_hint`)))));
}

export function layoutValue() {
  const checked = $("input[name=layout]:checked");
  return checked ? checked.value : "auto";
}

export function setLayout(value) {
  const radio = $(`input[name=layout][value="${CSS.escape(value || "auto")}"]`) ||
                $("input[name=layout][value=auto]");
  if (radio) radio.checked = true;
}
