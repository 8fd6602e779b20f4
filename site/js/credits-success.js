// Back from checkout: confirm the session (the webhook may not have arrived yet), then show
// the new balance here and in the header.
document.addEventListener("DOMContentLoaded", async () => {
  const me = await requireAccount();
  if (!me) return;
  const title = $("#success-title");
  const notice = $("#success-notice");
  const sessionId = new URLSearchParams(window.location.search).get("session_id");
  if (!sessionId) {
    title.textContent = "Nothing to confirm";
    message(notice, "This page is where checkout returns. Your credits page shows your " +
                    "purchases.", "info");
    return;
  }
  try {
    const answer = await Api.post("/api/checkout/confirm", { session_id: sessionId });
    const purchase = answer.purchase;
    if (purchase.status === "paid" || purchase.status.endsWith("refunded")) {
      title.textContent = "Thank you!";
      message(notice, `${plural(purchase.credits, "credit")} added. Your balance is ` +
                      `${plural(answer.balance, "credit")}.`, "ok");
    } else if (purchase.status === "pending") {
      title.textContent = "Payment processing";
      message(notice, "Your payment is on its way. Your credits are added as soon as it " +
                      "clears; you can leave this page.", "info");
    } else {
      title.textContent = "Checkout not completed";
      message(notice, `This checkout is ${purchaseState(purchase).toLowerCase()}: nothing ` +
                      "was charged.", "error");
    }
    await Api.account(true);
    await renderHeader();
  } catch (error) {
    title.textContent = "We could not confirm this checkout";
    message(notice, error.message, "error");
  }
});
