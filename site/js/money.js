// Formatting shared by the credits pages: prices, dates, purchase states, ledger reasons, in
// the chosen language (js/i18n.js).
const formatMoney = (amount, currency) => I18n.money(amount, currency);
const formatDate = (iso) => I18n.dateTime(iso);

function purchaseState(purchase) {
  const known = STRINGS.en[`purchase.${purchase.status}`] !== undefined;
  let text = known ? I18n.t(`purchase.${purchase.status}`) : purchase.status;
  if (purchase.dispute_status) {
    text += " · " + I18n.t("purchase.dispute", { state: purchase.dispute_status.replace(/_/g, " ") });
  }
  return text;
}

function ledgerReason(reason) {
  return STRINGS.en[`ledger.${reason}`] !== undefined ? I18n.t(`ledger.${reason}`) : reason;
}
