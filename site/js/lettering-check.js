// The lettering check as the person types, shared by the create page and the cartoon page's text
// editor: POST /api/cartoons/lettering-check (the check the submission and the edits run), sent
// once typing pauses, a request still on its way dropped when the text changes again. Its answer
// names each text that would be refused, by field, and says how full each scene's panel is: the
// room its texts need at the top of the picture, as a share of the most a panel keeps for them.
import { Api } from "./api.js";
import { el } from "./dom.js";
import { I18n } from "./i18n.js";

const PAUSE_MS = 400; // how long typing pauses before the check is sent
const RETRY_MS = 5000; // after a 429 without Retry-After

// `body()` gives what to check ({layout, scenes}), or null when there is nothing to check;
// `onAnswer(answer)` gets the check's answer (null for nothing to check), `onError(error)` an
// API error (a 400 naming a field). Offline or a hiccup: nothing, the submission checks again.
export function letteringChecker({ body, onAnswer, onError }) {
  let timer = null;
  let pending = null; // the AbortController of the request on its way

  function drop() {
    if (pending) pending.abort();
    pending = null;
  }

  async function run() {
    drop();
    const request = body();
    if (!request) {
      onAnswer(null);
      return;
    }
    const mine = new AbortController();
    pending = mine;
    try {
      const answer = await Api.post("/api/cartoons/lettering-check", request, undefined, mine.signal);
      if (pending !== mine) return; // a newer check is on its way
      pending = null;
      onAnswer(answer);
    } catch (error) {
      if (pending !== mine || error.name === "AbortError") return;
      pending = null;
      if (error.status === 429) schedule(Number(error.retryAfter) * 1000 || RETRY_MS);
      else if (error.status === 400 && onError) onError(error);
    }
  }

  function schedule(delay) {
    clearTimeout(timer);
    drop(); // the text changed: what is on its way answers for the old one
    timer = setTimeout(run, delay === undefined ? PAUSE_MS : delay);
  }

  function cancel() {
    clearTimeout(timer);
    drop();
  }

  return { schedule, cancel };
}

// A scene's meter: how full its panel's room for texts is. Read as text too (role=meter, with a
// value text), and marked when the texts need more room than the panel keeps.
export function fullnessMeter() {
  return el("div", { class: "fullness", role: "meter", "aria-valuemin": "0",
                     "aria-valuemax": "100", "aria-label": I18n.t("lettering.meter_label"),
                     hidden: true },
    el("span", { class: "fullness-track", "aria-hidden": "true" },
      el("span", { class: "fullness-bar" })),
    el("span", { class: "fullness-text" }));
}

// Shows `scene` ({room, fullness} of the check's answer) on `meter`; null hides it.
export function showFullness(meter, scene) {
  if (!scene || !scene.fullness) {
    meter.hidden = true;
    return;
  }
  const percent = Math.round(scene.fullness * 100);
  const over = scene.fullness > 1;
  const words = I18n.t(over ? "lettering.meter_over" : "lettering.meter_full", { n: percent });
  meter.hidden = false;
  meter.classList.toggle("over", over);
  meter.classList.toggle("near", !over && percent >= 80);
  meter.setAttribute("aria-valuenow", String(Math.min(percent, 100)));
  meter.setAttribute("aria-valuetext", words);
  meter.querySelector(".fullness-bar").style.width = `${Math.min(percent, 100)}%`;
  meter.querySelector(".fullness-text").textContent = words;
}
