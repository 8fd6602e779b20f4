// The header on every page: the signed-in address and balance, navigation, sign-out, the
// language switch, and the skip link.
async function renderHeader() {
  addSkipLink();
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

// A link to jump over the header, first in the tab order on every page.
function addSkipLink() {
  const main = document.querySelector("main");
  if (!main || document.querySelector(".skip-link")) return;
  main.id = main.id || "main";
  main.tabIndex = -1;
  document.body.prepend(el("a", { class: "skip-link", href: `#${main.id}` }, I18n.t("skip")));
}

async function signOut() {
  try { await Api.post("/api/auth/logout"); } finally {
    Api.forget();
    window.location.assign("/");
  }
}

// Pages that need an account call this; it sends signed-out visitors to the sign-in page,
// remembering where they were so that signing in brings them back.
async function requireAccount() {
  const me = await renderHeader();
  if (!me) {
    const here = window.location.pathname + window.location.search;
    try { localStorage.setItem(RETURN_KEY, here); } catch (error) { /* not kept */ }
    window.location.replace(`/?next=${encodeURIComponent(here)}`);
  }
  return me;
}
