// Submitting the create form (POST /api/cartoons with an Idempotency-Key, so that a double
// click or a retry after a network error never pays twice), and the draft kept on this device.
import { Api } from "./api.js";
import { $, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { collect, showCost } from "./create-body.js";
import { clearProblems, inputFor, plainMessage, ruleProblems, showProblem } from "./create-check.js";
import { fillForm } from "./create-fill.js";
import { confirmEmptyScenes } from "./create-scenes.js";
import { createPage } from "./create-state.js";

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function submit(event) {
  event.preventDefault();
  const notice = $("#create-notice");
  const button = $("#create-submit");
  clearProblems("submit");
  message(notice, "", "info");
  button.disabled = true;
  createPage.idempotencyKey = createPage.idempotencyKey || newKey();
  // Every problem the page can see on its own, all at once, before anything is sent.
  const problems = ruleProblems();
  if (problems.length) {
    problems.forEach(({ input, text }) => showProblem(input, text, "submit"));
    message(notice, I18n.t("create.fix_fields", { n: problems.length }), "error");
    problems[0].input.focus();
    button.disabled = false;
    return;
  }
  if (!confirmEmptyScenes()) {
    button.disabled = false;
    return;
  }
  try {
    const answer = await Api.post("/api/cartoons", collect(), { "Idempotency-Key": createPage.idempotencyKey });
    forgetDraft();
    window.location.assign(`/cartoon.html?id=${encodeURIComponent(answer.cartoon_id)}`);
  } catch (error) {
    button.disabled = false;
    // The key stays: if the answer was lost on the way, sending again must not pay twice.
    if (error.status === 402) {
      const short = error.details ? Number(error.details.shortfall) : NaN;
      message(notice, Number.isFinite(short) ? I18n.t("create.shortfall", { n: short })
        : error.message, "error");
      show($("#buy-credits"), true);
      return;
    }
    const input = inputFor(error.details && error.details.field);
    if (input) {
      clearProblems("check");
      showProblem(input, plainMessage(error, input), "submit");
      message(notice, I18n.t("create.fix_fields", { n: 1 }), "error");
      input.focus();
    } else {
      message(notice, error.message, "error");
    }
  }
}

// What the person typed is kept in this browser as they type (for this account only), so going
// off to buy credits or reloading loses nothing; a submitted cartoon clears it.
const draftKey = () => `caaartoons.create-draft.${createPage.me.account_id}`;

export function keepDraft() {
  clearTimeout(createPage.keepTimer);
  createPage.keepTimer = setTimeout(() => {
    try { localStorage.setItem(draftKey(), JSON.stringify(collect())); } catch (error) { /* full */ }
  }, 300);
}

export function restoreDraft() {
  let kept = null;
  try { kept = JSON.parse(localStorage.getItem(draftKey()) || "null"); } catch (error) { kept = null; }
  if (!kept || !Array.isArray(kept.scenes)) return;
  fillForm(kept);
  if (kept.quality && createPage.options.qualities.some((q) => q.key === kept.quality)) {
    $("#quality").value = kept.quality;
    showCost();
  }
  message($("#create-notice"), I18n.t("create.restored"), "info");
}

function forgetDraft() {
  clearTimeout(createPage.keepTimer);
  try { localStorage.removeItem(draftKey()); } catch (error) { /* nothing kept */ }
}
