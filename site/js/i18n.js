// Every string a page shows, in English and French (site/js/strings.js), and dates, numbers and
// prices formatted for the chosen language with Intl. The language comes from the browser, can
// be switched in the header, and is remembered. Static text carries `data-i18n="key"` (and
// `data-i18n-attrs="placeholder=key,aria-label=key"`), put in words by `I18n.apply()` (which
// js/layout.js's drawFrame calls first thing); scripts call `I18n.t(key, vars)`.
// A key missing in the current language shows as ⟦key⟧ and logs an error, so tests catch it.
// The API keeps stable error codes; `I18n.error(error)` words them for people.
import { STRINGS } from "./strings.js";

export const I18n = (() => {
  const LANGS = ["en", "fr"];
  const LOCALES = { en: "en-GB", fr: "fr-FR" };
  const STORE = "caaartoons.lang";
  const produced = new Set();

  function fromBrowser() {
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const base = tag.toLowerCase().split("-")[0];
      if (LANGS.includes(base)) return base;
    }
    return "en";
  }

  function stored() {
    try { return localStorage.getItem(STORE); } catch (error) { return null; }
  }

  let lang = LANGS.includes(stored()) ? stored() : fromBrowser();
  const locale = () => LOCALES[lang];

  function format(value) {
    return typeof value === "number" ? new Intl.NumberFormat(locale()).format(value)
      : value === undefined || value === null ? "" : String(value);
  }

  function template(key, vars) {
    const text = STRINGS[lang][key];
    if (text === undefined) {
      console.error(`i18n: no ${lang} text for ${key}`);
      return `⟦${key}⟧`;
    }
    if (typeof text !== "object") return text;
    return text[new Intl.PluralRules(locale()).select(vars.n ?? 0)] ?? text.other;
  }

  function t(key, vars = {}) {
    const text = template(key, vars).replace(/\{(\w+)\}/g, (_, name) => format(vars[name]));
    produced.add(text.trim());
    return text;
  }

  // The same, as nodes: a value given as a Node (an address in <strong>, say) keeps its element.
  function parts(key, vars = {}) {
    return template(key, vars).split(/\{(\w+)\}/).map((piece, i) => {
      if (i % 2 === 0) {
        if (piece.trim()) produced.add(piece.trim());
        return piece;
      }
      return vars[piece] instanceof Node ? vars[piece] : format(vars[piece]);
    });
  }

  function apply(root = document) {
    for (const node of root.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n);
    }
    for (const node of root.querySelectorAll("[data-i18n-attrs]")) {
      for (const pair of node.dataset.i18nAttrs.split(",")) {
        const [attr, key] = pair.split("=").map((s) => s.trim());
        node.setAttribute(attr, t(key));
      }
    }
    const title = document.querySelector("title[data-i18n]");
    if (title) document.title = title.textContent;
  }

  function use(next) {
    lang = LANGS.includes(next) ? next : "en";
    try { localStorage.setItem(STORE, lang); } catch (error) { /* private mode: not kept */ }
    document.documentElement.lang = lang;
  }

  // Dates, numbers and prices, one format for the whole site.
  const made = (text) => { produced.add(text.trim()); return text; };
  const date = (when) => made(new Intl.DateTimeFormat(locale(), { dateStyle: "medium" })
    .format(new Date(when)));
  const dateTime = (when) => made(new Intl.DateTimeFormat(locale(), {
    dateStyle: "medium", timeStyle: "short" }).format(new Date(when)));
  const money = (cents, currency) => made(new Intl.NumberFormat(locale(), {
    style: "currency", currency: currency.toUpperCase() }).format(cents / 100));

  // An API error in plain words. The API's messages are written for people, in English: shown
  // as they are in English; in French, the words come from the error's code, else its status.
  function error(failure) {
    const code = failure && failure.code;
    const vars = { seconds: failure && failure.retryAfter ? Number(failure.retryAfter) : "" };
    if (lang === "en" && failure && failure.message) {
      produced.add(failure.message.trim());
      return failure.message;
    }
    if (code && STRINGS[lang][`error.${code}`] !== undefined) return t(`error.${code}`, vars);
    const status = failure && failure.status;
    const generic = status === 429 ? "error.rate_limited" : status >= 500 || !status
      ? "error.internal_error" : "error.bad_request";
    return t(generic, vars);
  }

  // Whether the catalogue has a key: for keys made from the API's values (a status, a reason).
  const has = (key) => STRINGS.en[key] !== undefined;

  document.documentElement.lang = lang;
  return { t, parts, apply, use, has, date, dateTime, money, error, produced, LANGS,
           get lang() { return lang; }, get locale() { return locale(); } };
})();

// Kept on window too: the browser tests read `I18n.produced` (every string a page made) from
// outside the modules, and the classic scripts still to be converted may use it.
window.I18n = I18n;
