// The header on every page: the signed-in address and balance, navigation, sign-out.
async function renderHeader() {
  const slot = $("#account");
  if (!slot) return null;
  let me = null;
  try { me = await Api.account(); } catch (error) { slot.textContent = ""; return null; }
  slot.replaceChildren();
  document.body.classList.toggle("signed-in", Boolean(me));
  if (!me) {
    slot.append(el("a", { href: "/", class: "button small" }, "Sign in"));
    return null;
  }
  slot.append(
    el("nav", { class: "main-nav" },
      el("a", { href: "/create.html" }, "Create"),
      el("a", { href: "/gallery.html" }, "Gallery"),
      el("a", { href: "/credits.html" }, "Credits"),
      el("a", { href: "/account.html" }, "Account")),
    el("span", { class: "who", id: "who-email" }, me.email),
    el("span", { class: "balance", id: "who-balance", title: "Your credits" },
      `${me.balance} credit${me.balance === 1 ? "" : "s"}`),
    el("button", { type: "button", class: "button small ghost", id: "sign-out",
                   onclick: signOut }, "Sign out"));
  return me;
}

async function signOut() {
  try { await Api.post("/api/auth/logout"); } finally {
    Api.forget();
    window.location.assign("/");
  }
}

// Pages that need an account call this; it sends signed-out visitors to the sign-in page.
async function requireAccount() {
  const me = await renderHeader();
  if (!me) window.location.replace("/");
  return me;
}
