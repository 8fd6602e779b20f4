// What every page has around its <main>, drawn in this one place: the skip link, the header
// (the brand; signed in, the navigation, the address and balance, sign-out; the language switch)
// and the footer. A page's module calls `drawFrame()` first, then `renderHeader()` (any visitor) or
// `requireAccount()` (pages for the signed-in only).
import { Api } from "./api.js";
import { $, el } from "./dom.js";
import { I18n } from "./i18n.js";

// Where to go back to after signing in: a path of this site only, never another origin.
export const RETURN_KEY = "caaartoons.return";
export function safeReturnPath(value) {
  return typeof value === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : null;
}

// The header and footer around <main>. `account: false` (the confirm pages, the 404, the local
// checkout) leaves out the account slot; `footer: false` the footer (the privacy page is
// what it links to). It first puts the page's static text (data-i18n) in the chosen language:
// modules run once the page is parsed, so this comes before anything the page's module writes.
export function drawFrame({ account = true, footer = true } = {}) {
  const main = document.querySelector("main");
  if (document.querySelector(".site-header")) return;
  I18n.apply();
  const header = el("header", { class: "site-header" },
    el("a", { class: "brand", href: "/", translate: "no" }, "Caaartoons"),
    account ? el("div", { id: "account", class: "account" }) : null,
    account ? menuButton() : null);
  main.before(header);
  header.before(skipLink(main));
  if (footer) {
    main.after(el("footer", { class: "site-footer" },
      el("a", { href: "/privacy.html" }, I18n.t("footer.privacy"))));
  }
}

// On a phone the header folds into one row (site.css): the brand, the balance and this button,
// which opens the rest (the navigation, the address, the language, sign-out) below it.
function menuButton() {
  const button = el("button", { type: "button", class: "button small ghost menu-button",
                                id: "menu-button", "aria-expanded": "false",
                                "aria-controls": "account" }, I18n.t("nav.menu"));
  const open = (wanted) => {
    button.closest(".site-header").classList.toggle("menu-open", wanted);
    button.setAttribute("aria-expanded", String(wanted));
  };
  button.addEventListener("click", () => open(button.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      open(false);
      button.focus();
    }
  });
  return button;
}

// A link to jump over the header, first in the tab order on every page.
function skipLink(main) {
  main.id = main.id || "main";
  main.tabIndex = -1;
  return el("a", { class: "skip-link", href: `#${main.id}` }, I18n.t("skip"));
}

// The account slot: signed out, the language switch and "Sign in"; signed in, the navigation,
// the address, the balance, the switch and "Sign out". Called again after the balance changes.
// Returns the account, or null when signed out.
export async function renderHeader() {
  const slot = $("#account");
  if (!slot) return null;
  let me = null;
  try { me = await Api.account(); } catch (error) { slot.textContent = ""; return null; }
  slot.replaceChildren();
  document.body.classList.toggle("signed-in", Boolean(me));
  if (!me) {
    slot.append(languageSwitch(), el("a", { href: "/", class: "button small" }, I18n.t("nav.sign_in")));
    return null;
  }
  slot.append(
    el("nav", { class: "main-nav", "aria-label": I18n.t("nav.label") },
      el("a", { href: "/create.html" }, I18n.t("nav.create")),
      el("a", { href: "/gallery.html" }, I18n.t("nav.gallery")),
      el("a", { href: "/credits.html" }, I18n.t("nav.credits")),
      el("a", { href: "/account.html" }, I18n.t("nav.account"))),
    el("span", { class: "who", id: "who-email", translate: "no" }, me.email),
    el("span", { class: "balance", id: "who-balance", title: I18n.t("nav.balance_title") },
      I18n.t("credits.count", { n: me.balance })),
    languageSwitch(),
    el("button", { type: "button", class: "button small ghost", id: "sign-out",
                   onclick: signOut }, I18n.t("nav.sign_out")));
  return me;
}

function languageSwitch() {
  const other = I18n.lang === "fr" ? "en" : "fr";
  return el("button", { type: "button", class: "button small ghost", id: "lang-switch",
                        lang: other, "aria-label": I18n.t("lang.switch_label"),
                        onclick: () => { I18n.use(other); window.location.reload(); } },
    I18n.t("lang.switch"));
}

async function signOut() {
  try { await Api.post("/api/auth/logout"); } finally {
    Api.forget();
    window.location.assign("/");
  }
}

// Pages that need an account call this; it sends signed-out visitors to the sign-in page,
// remembering where they were so that signing in brings them back.
export async function requireAccount() {
  const me = await renderHeader();
  if (!me) {
    const here = window.location.pathname + window.location.search;
    try { localStorage.setItem(RETURN_KEY, here); } catch (error) { /* not kept */ }
    window.location.replace(`/?next=${encodeURIComponent(here)}`);
  }
  return me;
}
