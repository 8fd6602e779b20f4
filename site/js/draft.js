// "Draft it for me": one sentence in, the whole create form filled in by
// POST /api/cartoons/draft, for the person to edit before anything is paid. Drafting is free,
// within an hourly limit; it renders into <div id="draft-tools"> on the create page and hands
// the draft to CreateForm.fill (create.js).
import { Api } from "./api.js";
import { el, message } from "./dom.js";
import { I18n } from "./i18n.js";

// create.js's CreateForm and the served limits (js/options.js), given to mountDraft
const state = { form: null, limits: null };

function render(root) {
  const { limits } = state;
  const idea = el("textarea", { id: "draft-idea", maxlength: limits.idea, rows: 3,
    placeholder: I18n.t("create.draft_placeholder"),
    "aria-describedby": "draft-notice draft-hint" });
  const scenes = el("input", { id: "draft-scenes", type: "number", min: 1, max: limits.draft_scenes,
    inputmode: "numeric", placeholder: "4–6" });
  const button = el("button", { type: "button", id: "draft-button", class: "button" },
    I18n.t("create.draft_button"));
  const notice = el("p", { id: "draft-notice", class: "notice", role: "alert", hidden: true });
  root.replaceChildren(el("section", { class: "card stack draft-tools" },
    el("h2", {}, I18n.t("create.draft_heading")),
    el("label", { for: "draft-idea" }, I18n.t("create.draft_idea_label")),
    idea,
    notice,
    el("div", { class: "draft-row" },
      el("label", { for: "draft-scenes" }, I18n.t("create.draft_scenes_label")),
      scenes,
      button),
    el("p", { class: "hint", id: "draft-hint" }, I18n.t("create.draft_hint", { n: limits.drafts_per_hour }))));
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
    message(notice, I18n.t("create.draft_need_idea"), "error");
    idea.setAttribute("aria-invalid", "true");
    idea.focus();
    return;
  }
  const body = { idea: text, language: I18n.lang };
  if (scenes.value) {
    const count = Number(scenes.value);
    const most = state.limits.draft_scenes;
    if (!Number.isInteger(count) || count < 1 || count > most) {
      message(notice, I18n.t("create.draft_scenes_range", { max: most }), "error");
      scenes.setAttribute("aria-invalid", "true");
      scenes.focus();
      return;
    }
    body.scenes = count;
  }
  button.disabled = true;
  button.textContent = I18n.t("create.draft_drafting");
  message(notice, I18n.t("create.draft_writing"), "info");
  try {
    const draft = await Api.post("/api/cartoons/draft", body);
    fill(draft);
    message(notice, I18n.t("create.draft_done", {
      characters: I18n.t("create.characters_count", { n: draft.characters.length }),
      scenes: I18n.t("scenes.count", { n: draft.scenes.length }) }), "ok");
    const title = document.getElementById("title");
    if (title) title.scrollIntoView({ behavior: "smooth", block: "center" });
  } catch (error) {
    let text = error.message;
    if (error.status === 429 && error.retryAfter) {
      const minutes = Math.max(1, Math.ceil(Number(error.retryAfter) / 60));
      text = `${text} ${I18n.t("create.draft_again_in", { n: minutes })}`;
    }
    message(notice, text, "error");
    const field = error.details && error.details.field;
    if (field === "scenes") scenes.setAttribute("aria-invalid", "true");
    else if (!field || field === "idea") idea.setAttribute("aria-invalid", "true");
  } finally {
    button.disabled = false;
    button.textContent = I18n.t("create.draft_button");
  }
}

function fill(draft) {
  return state.form.fill(draft);
}

export function mountDraft(createForm, options) {
  state.form = createForm;
  state.limits = options.limits;
  const root = document.getElementById("draft-tools");
  if (root) render(root);
}
