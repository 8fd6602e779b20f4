// "Draft it for me": one sentence in, the whole create form filled in by
// POST /api/cartoons/draft, for the person to edit before anything is paid. Drafting is free,
// within an hourly limit; it renders into <div id="draft-tools"> on the create page and hands
// the draft to window.CreateForm.fill (create.js).
(() => {
  const MAX_IDEA = 1000;
  const MAX_SCENES = 12;

  function render(root) {
    const idea = el("textarea", { id: "draft-idea", maxlength: MAX_IDEA, rows: 3,
      placeholder: "A lighthouse keeper befriends a lonely whale during a winter storm.",
      "aria-describedby": "draft-notice draft-hint" });
    const scenes = el("input", { id: "draft-scenes", type: "number", min: 1, max: MAX_SCENES,
      inputmode: "numeric", placeholder: "4–6" });
    const button = el("button", { type: "button", id: "draft-button", class: "button" },
      "Draft it for me");
    const notice = el("p", { id: "draft-notice", class: "notice", role: "alert", hidden: true });
    root.replaceChildren(el("section", { class: "card stack draft-tools" },
      el("h2", {}, "Start from an idea"),
      el("label", { for: "draft-idea" }, "Your idea, in a sentence or two"),
      idea,
      notice,
      el("div", { class: "draft-row" },
        el("label", { for: "draft-scenes" }, "Scenes (optional)"),
        scenes,
        button),
      el("p", { class: "hint", id: "draft-hint" },
        "We write a title, a cast and every scene for you to change as you like. Drafting is " +
        "free (up to 20 drafts an hour); you only pay when you draw.")));
    button.addEventListener("click", () => ask(idea, scenes, button, notice));
    idea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) ask(idea, scenes, button, notice);
    });
  }

  async function ask(idea, scenes, button, notice) {
    idea.removeAttribute("aria-invalid");
    scenes.removeAttribute("aria-invalid");
    const text = idea.value.trim();
    if (!text) {
      message(notice, "Type an idea first: one sentence is enough.", "error");
      idea.setAttribute("aria-invalid", "true");
      idea.focus();
      return;
    }
    const body = { idea: text, language: (document.documentElement.lang || "en").slice(0, 35) };
    if (scenes.value) {
      const count = Number(scenes.value);
      if (!Number.isInteger(count) || count < 1 || count > MAX_SCENES) {
        message(notice, `Choose between 1 and ${MAX_SCENES} scenes, or leave it empty.`, "error");
        scenes.setAttribute("aria-invalid", "true");
        scenes.focus();
        return;
      }
      body.scenes = count;
    }
    button.disabled = true;
    button.textContent = "Drafting…";
    message(notice, "Writing your draft: this takes a few seconds.", "info");
    try {
      const draft = await Api.post("/api/cartoons/draft", body);
      fill(draft);
      message(notice, `Drafted: ${draft.characters.length} characters and ` +
        `${draft.scenes.length} scenes. Change anything you like below, then draw it.`, "ok");
      const title = document.getElementById("title");
      if (title) title.scrollIntoView({ behavior: "smooth", block: "center" });
    } catch (error) {
      let text = error.message;
      if (error.status === 429 && error.retryAfter) {
        const minutes = Math.max(1, Math.ceil(Number(error.retryAfter) / 60));
        text += ` You can draft again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
      }
      message(notice, text, "error");
      const field = error.details && error.details.field;
      if (field === "scenes") scenes.setAttribute("aria-invalid", "true");
      else if (!field || field === "idea") idea.setAttribute("aria-invalid", "true");
    } finally {
      button.disabled = false;
      button.textContent = "Draft it for me";
    }
  }

  function fill(draft) {
    return window.CreateForm.fill(draft);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.getElementById("draft-tools");
    if (root) render(root);
  });
})();
