// The gallery: a grid of the account's cartoons, newest first, a page at a time; each card shows
// the cartoon's first page as its cover.
const STATUS_LABELS = { done: "Finished", drawing: "Drawing…", composing: "Composing the pages…",
                        incomplete: "Some scenes failed" };
let nextCursor = null;

function card(cartoon) {
  const picture = cartoon.thumbnail_url
    // the cover: page 1 (the API's thumbnail), whole, whatever its shape
    ? el("img", { src: cartoon.thumbnail_url, alt: `Page 1 of ${cartoon.title}`,
                  class: "panel-image cover", loading: "lazy" })
    : el("span", { class: "placeholder" }, STATUS_LABELS[cartoon.status] || "In progress");
  const badge = cartoon.status === "done" ? "done" : cartoon.status === "incomplete" ? "failed" : "drawing";
  const node = el("article", { class: "panel gallery-card", "data-id": cartoon.id },
    el("a", { href: cartoon.url, class: "panel-frame", "aria-label": `Open ${cartoon.title}` }, picture),
    el("h2", { class: "gallery-title" }, el("a", { href: cartoon.url }, cartoon.title)),
    el("p", { class: "hint" }, new Date(cartoon.created_at).toLocaleDateString(), " · ",
      `${cartoon.scene_count} scene${cartoon.scene_count === 1 ? "" : "s"}`, " ",
      el("span", { class: `badge ${badge}` }, STATUS_LABELS[cartoon.status] || cartoon.status)),
    el("div", { class: "actions" },
      el("a", { href: cartoon.url, class: "button small" }, "Open"),
      el("button", { type: "button", class: "button small ghost delete",
                     onclick: () => remove(cartoon, node) }, "Delete")));
  return node;
}

async function remove(cartoon, node) {
  if (!window.confirm(`Delete “${cartoon.title}” and all its images? This cannot be undone.`)) return;
  try {
    await Api.del(`/api/cartoons/${cartoon.id}`);
    node.remove();
    message($("#gallery-notice"), `“${cartoon.title}” was deleted.`, "ok");
    show($("#gallery-empty"), !$("#gallery").children.length);
  } catch (error) {
    message($("#gallery-notice"), error.message, "error");
  }
}

async function loadPage() {
  const query = nextCursor ? `?cursor=${encodeURIComponent(nextCursor)}` : "";
  try {
    const page = await Api.get(`/api/gallery${query}`);
    $("#gallery").append(...page.cartoons.map(card));
    nextCursor = page.next_cursor;
    show($("#more"), Boolean(nextCursor));
    show($("#gallery-empty"), !$("#gallery").children.length);
  } catch (error) {
    message($("#gallery-notice"), error.message, "error");
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!await requireAccount()) return;
  $("#more").addEventListener("click", loadPage);
  await loadPage();
});
