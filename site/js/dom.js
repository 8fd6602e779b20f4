// Small DOM helpers shared by every page: find, build, show or hide, and say something.
export function $(selector, root) { return (root || document).querySelector(selector); }

export function show(element, visible) { element.hidden = !visible; }

// el("a", { href, class, onclick }, "text", child…): attributes set unless null/false/undefined,
// "on…" attributes become listeners, children are nodes or text (arrays are flattened).
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

// A notice: its text and kind ("info", "ok", "error"); hidden when the text is empty.
export function message(target, text, kind) {
  target.textContent = text;
  target.className = "notice " + (kind || "info");
  target.hidden = !text;
}

// What the owner wrote, in a span the browser's translator leaves alone.
export const typed = (text) => el("span", { translate: "no" }, text);

// A presigned URL without its signature: the same object, whatever the link's expiry.
export const withoutQuery = (url) => (url || "").split("?")[0];
