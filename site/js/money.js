// Formatting shared by the credits pages: prices, dates, purchase states, ledger reasons.
function formatMoney(amount, currency) {
  return new Intl.NumberFormat("en-IE", { style: "currency", currency: currency.toUpperCase() })
    .format(amount / 100);
}

function formatDate(iso) {
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

function plural(n, word) { return `${n} ${word}${Math.abs(n) === 1 ? "" : "s"}`; }

const PURCHASE_STATES = {
  open: "Not completed", pending: "Processing", paid: "Paid", failed: "Payment failed",
  expired: "Expired", partially_refunded: "Partly refunded", refunded: "Refunded",
};

function purchaseState(purchase) {
  let text = PURCHASE_STATES[purchase.status] || purchase.status;
  if (purchase.dispute_status) text += ` · dispute ${purchase.dispute_status.replace(/_/g, " ")}`;
  return text;
}

const LEDGER_REASONS = {
  purchase: "Purchase", spend: "Cartoon", refund: "Credits back", clawback: "Refund taken back",
  adjustment: "Adjustment",
};
