// The credits page: balance, packs to buy, purchase history and the ledger, newest first.
import { Api } from "./api.js";
import { $, el, message, show } from "./dom.js";
import { ledgerWhat } from "./credits-ledger.js";
import { formatDate, formatMoney, purchaseState } from "./format.js";
import { I18n } from "./i18n.js";
import { drawFrame, requireAccount } from "./layout.js";

drawFrame();
if (await requireAccount()) {
  showPacks();
  const purchases = pager("/api/purchases", "purchases", $("#purchases"), $("#no-purchases"),
                          $("#more-purchases"), purchaseRow);
  const ledger = pager("/api/credits", "entries", $("#ledger"), $("#no-entries"),
                       $("#more-entries"), entryRow, (page) => {
                         $("#credits-balance").textContent = I18n.t("credits.count", { n: page.balance });
                       });
  await Promise.all([purchases(), ledger()]);
}

async function showPacks() {
  const notice = $("#buy-notice");
  try {
    const data = await Api.get("/api/packs");
    show($("#local-note"), data.checkout === "local");
    $("#packs").replaceChildren(...data.packs.map((pack) => el("div", { class: "pack" },
      el("h3", {}, I18n.t("credits.count", { n: pack.credits })),
      el("p", { class: "price" }, formatMoney(pack.amount, pack.currency)),
      el("p", { class: "per-credit" },
        I18n.t("credits.per_credit",
               { price: formatMoney(Math.round(pack.amount / pack.credits), pack.currency) })),
      el("button", { type: "button", class: "button buy", "data-pack": pack.id,
                     onclick: (event) => buy(pack, event.currentTarget) }, I18n.t("credits.buy")))));
  } catch (error) {
    message(notice, error.message, "error");
  }
}

async function buy(pack, button) {
  const notice = $("#buy-notice");
  message(notice, "", "info");
  for (const other of document.querySelectorAll("button.buy")) other.disabled = true;
  button.textContent = I18n.t("credits.opening");
  try {
    const checkout = await Api.post("/api/checkout", { pack: pack.id });
    window.location.assign(checkout.url);
  } catch (error) {
    message(notice, error.message, "error");
    for (const other of document.querySelectorAll("button.buy")) other.disabled = false;
    button.textContent = I18n.t("credits.buy");
  }
}

// One listing with a "Show more" button that follows the API's cursor.
function pager(path, key, table, empty, more, row, onPage) {
  let cursor = null;
  async function load() {
    more.disabled = true;
    try {
      const page = await Api.get(cursor ? `${path}?cursor=${encodeURIComponent(cursor)}` : path);
      if (onPage) onPage(page);
      $("tbody", table).append(...page[key].map(row));
      const rows = $("tbody", table).children.length;
      show(table, rows > 0);
      show(empty, rows === 0);
      cursor = page.next_cursor;
      show(more, Boolean(cursor));
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener("click", load);
  return load;
}

function purchaseRow(purchase) {
  return el("tr", { class: "purchase", "data-status": purchase.status },
    el("td", {}, formatDate(purchase.created_at)),
    el("td", {}, I18n.t("credits.count", { n: purchase.credits })),
    el("td", {}, formatMoney(purchase.amount, purchase.currency)),
    el("td", {}, el("span", { class: `status ${purchase.status}` }, purchaseState(purchase))));
}

// One line of the history: when, how many credits, and what happened in words
// (js/credits-ledger.js), with what a refund could not take back.
function entryRow(entry) {
  const sign = entry.delta > 0 ? "plus" : entry.delta < 0 ? "minus" : "";
  const spent = entry.unrecovered
    ? [" ", I18n.t("credits.already_spent", { n: entry.unrecovered })] : [];
  return el("tr", { class: "entry", "data-kind": (entry.what || {}).kind || "" },
    el("td", {}, formatDate(entry.created_at)),
    el("td", { class: `delta ${sign}` }, (entry.delta > 0 ? "+" : "") +
      new Intl.NumberFormat(I18n.locale).format(entry.delta)),
    el("td", { class: "ledger-what" }, ...ledgerWhat(entry), ...spent));
}
