// The sign-in page: ask for a link; the answer is the same whether or not an account exists.
// A signed-in visitor gets their next step: buy credits first when they have none.
import { Api } from "./api.js";
import { costOf } from "./cost.js";
import { $, el, message, show } from "./dom.js";
import { I18n } from "./i18n.js";
import { drawFrame, renderHeader, RETURN_KEY, safeReturnPath } from "./layout.js";

drawFrame();
start();

async function start() {
  const params = new URLSearchParams(window.location.search);
  const next = safeReturnPath(params.get("next"));
  if (next) {
    try { localStorage.setItem(RETURN_KEY, next); } catch (error) { /* not kept */ }
  }
  const me = await renderHeader();
  show($("#welcome"), Boolean(me));
  show($("#signin"), !me);
  if (me) welcome(me);
  else showcase();
  if (params.get("deleted")) message($("#signin-notice"), I18n.t("index.deleted"), "ok");
  const form = $("#signin-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const notice = $("#signin-notice");
    const button = $("button", form);
    button.disabled = true;
    try {
      await Api.post("/api/auth/link", { email: $("#email").value.trim() });
      show(form, false);
      show($("#check-email"), true);
      $("#sent-text").replaceChildren(...I18n.parts("index.sent", {
        email: el("strong", { id: "sent-to", translate: "no" }, $("#email").value.trim()) }));
    } catch (error) {
      const wait = error.retryAfter
        ? " " + I18n.t("index.try_again_in", { seconds: Number(error.retryAfter) }) : "";
      message(notice, error.message + wait, "error");
    } finally {
      button.disabled = false;
    }
  });
  $("#again").addEventListener("click", () => {
    show($("#check-email"), false);
    show(form, true);
  });
}

function welcome(me) {
  const fresh = me.balance === 0;
  $("#welcome-heading").textContent = I18n.t(fresh ? "index.welcome_new" : "index.welcome");
  $("#welcome-text").replaceChildren(...I18n.parts("index.signed_in_as", {
    email: el("strong", { id: "welcome-email", translate: "no" }, me.email) }));
  show($("#first-step"), fresh);
  if (fresh) firstStepCost();
  // The first step first: with no credits, buying them; otherwise, creating.
  $("#welcome-actions").replaceChildren(...(fresh
    ? [["/credits.html", "index.buy", "button"], ["/create.html", "index.create", "button ghost"]]
    : [["/create.html", "index.create", "button"], ["/gallery.html", "index.gallery", "button ghost"],
       ["/credits.html", "index.buy", "button ghost"]])
    .map(([href, key, cls]) => el("a", { href, class: cls }, I18n.t(key))));
}

// A short first cartoon, as the prices are told: a few scenes of the cheapest quality with two
// new characters, costed by the quote's rule (js/cost.js) from the served prices.
const EXAMPLE = { scenes: 3, characters: 2 };

const qualityName = (key, label) =>
  (I18n.has(`create.quality_${key}`) ? I18n.t(`create.quality_${key}`) : label);

function example(options) {
  const cheapest = options.qualities.reduce((a, b) => (b.credits_per_scene < a.credits_per_scene ? b : a));
  const cost = costOf(options, cheapest.key, EXAMPLE.scenes, EXAMPLE.characters);
  return { total: cost.total,
           vars: { scenes: I18n.t("scenes.count", { n: EXAMPLE.scenes }),
                   label: qualityName(cheapest.key, cheapest.label),
                   characters: I18n.t("index.new_characters", { n: EXAMPLE.characters }),
                   total: I18n.t("credits.count", { n: cost.total }) } };
}

// A new account's first step, with what a short cartoon costs and what the smallest pack holds.
async function firstStepCost() {
  try {
    const [packs, options] = await Promise.all([Api.get("/api/packs"), Api.get("/api/cartoons/options")]);
    const smallest = packs.packs.reduce((a, b) => (b.credits < a.credits ? b : a));
    const { total, vars } = example(options);
    $("#first-step").textContent = I18n.t("index.first_step_cost",
      { ...vars, pack: I18n.t("credits.count", { n: smallest.credits }) });
    $("#first-step").dataset.total = total;
    $("#first-step").dataset.pack = smallest.credits;
  } catch (error) { /* the general words stay */ }
}

// Signed out: the example in the reader's language, and what credits buy.
async function showcase() {
  $("#example-cartoon").src = `/img/example-cartoon.${I18n.lang}.webp`;
  try {
    const [packs, options] = await Promise.all([Api.get("/api/packs"), Api.get("/api/cartoons/options")]);
    $("#prices").replaceChildren(...packs.packs.map((pack) => priceCard(pack, options.qualities)));
    const floor = options.reference;
    $("#prices-references").textContent = I18n.t("index.prices_references",
                                                 { label: qualityName(floor.quality, floor.label) });
    const { total, vars } = example(options);
    $("#prices-example").textContent = I18n.t("index.prices_example", vars);
    $("#prices-example").dataset.total = total;
  } catch (error) {
    $("#prices").replaceChildren();  // the rest of the page stands without the prices
  }
}

function priceCard(pack, qualities) {
  return el("div", { class: "pack", "data-pack": pack.id },
    el("p", { class: "price" }, I18n.money(pack.amount, pack.currency)),
    el("h3", {}, I18n.t("credits.count", { n: pack.credits })),
    el("ul", { class: "buys" }, ...qualities.map((quality) => {
      const n = Math.floor(pack.credits / quality.credits_per_scene);
      return el("li", { "data-quality": quality.key, "data-panels": n },
        I18n.has(`index.panels_${quality.key}`) ? I18n.t(`index.panels_${quality.key}`, { n })
          : I18n.t("index.panels", { n, label: quality.label }));
    })));
}
