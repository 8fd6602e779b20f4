// Formatting shared by the pages: prices, dates, purchase states and ledger reasons, in the
// chosen language (js/i18n.js formats with Intl; this module names what the pages show).
import { el } from "./dom.js";
import { I18n } from "./i18n.js";

export const formatMoney = (amount, currency) => I18n.money(amount, currency);
export const formatDate = (iso) => I18n.dateTime(iso);
export const formatDay = (iso) => I18n.date(iso);

export function purchaseState(purchase) {
  let text = I18n.has(`purchase.${purchase.status}`) ? I18n.t(`purchase.${purchase.status}`)
    : purchase.status;
  if (purchase.dispute_status) {
    text += " · " + I18n.t("purchase.dispute", { state: purchase.dispute_status.replace(/_/g, " ") });
  }
  return text;
}

export function ledgerReason(reason) {
  return I18n.has(`ledger.${reason}`) ? I18n.t(`ledger.${reason}`) : reason;
}

// Why a drawing (a scene, a reference picture) failed. The API words its reason in English,
// sometimes with particulars (whose reference): shown as it is in English. In French, the
// catalogue words the failure's code (failure.<code>), else says `fallbackKey`.
export function failureReason(item, fallbackKey) {
  if (I18n.lang === "en" && item.reason) {
    return el("span", { "data-external-text": "" }, item.reason);
  }
  const key = `failure.${item.failure}`;
  return I18n.t(item.failure && I18n.has(key) ? key : fallbackKey);
}
