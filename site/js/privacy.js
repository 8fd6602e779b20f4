// The privacy policy, rendered from what the API says the service does (settings and code).
import { Api } from "./api.js";
import { $, el } from "./dom.js";
import { I18n } from "./i18n.js";
import { drawFrame, renderHeader } from "./layout.js";

drawFrame({ footer: false });
start();

async function start() {
  renderHeader();
  // The site's language, unless the address asks for the other one (the links on the page).
  const asked = new URLSearchParams(window.location.search).get("lang");
  const lang = I18n.LANGS.includes(asked) ? asked : I18n.lang;
  document.documentElement.lang = lang;
  const policy = await Api.get("/api/privacy?lang=" + lang);
  $("#policy-title").textContent = policy.title;
  document.title = policy.title + " · Caaartoons";
  $("#policy-updated").textContent = `${policy.updated_label}: ${policy.updated}`;
  $("#policy-body").replaceChildren(...policy.sections.map((section) => el("section", {},
    el("h2", {}, section.heading),
    section.paragraphs.length > 1
      ? el("ul", {}, section.paragraphs.map((p) => el("li", {}, p)))
      : el("p", {}, section.paragraphs[0]))));
}
