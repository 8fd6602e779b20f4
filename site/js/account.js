// The account page: change the address, sign out everywhere, export, delete the account.
document.addEventListener("DOMContentLoaded", async () => {
  const me = await requireAccount();
  if (!me) return;
  $("#account-email").textContent = me.email;
  $("#account-since").textContent = new Date(me.created_at).toLocaleDateString();

  $("#email-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await Api.post("/api/me/email", { email: $("#new-email").value.trim() });
      message($("#account-notice"), "Check the new address: open the link we sent to confirm it.", "ok");
    } catch (error) {
      message($("#account-notice"), error.message, "error");
    }
  });

  $("#logout-all").addEventListener("click", async () => {
    await Api.post("/api/auth/logout-all");
    Api.forget();
    window.location.assign("/");
  });

  $("#delete-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!window.confirm("Delete your account, your gallery and every image now?")) return;
    try {
      await Api.del("/api/me", { confirm: $("#delete-confirm").value.trim() });
      Api.forget();
      window.location.assign("/?deleted=1");
    } catch (error) {
      message($("#delete-notice"), error.message, "error");
    }
  });

  if (typeof setupExport === "function") setupExport();
  else show($("#export-section"), false);
});
