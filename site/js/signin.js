// The sign-in page: ask for a link; the answer is the same whether or not an account exists.
document.addEventListener("DOMContentLoaded", async () => {
  const me = await renderHeader();
  show($("#welcome"), Boolean(me));
  show($("#signin"), !me);
  if (me) $("#welcome-email").textContent = me.email;
  if (new URLSearchParams(window.location.search).get("deleted")) {
    message($("#signin-notice"), "Your account and everything in it have been deleted.", "ok");
  }
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
      $("#sent-to").textContent = $("#email").value.trim();
    } catch (error) {
      const wait = error.retryAfter ? ` (try again in ${error.retryAfter} s)` : "";
      message(notice, error.message + wait, "error");
    } finally {
      button.disabled = false;
    }
  });
  $("#again").addEventListener("click", () => {
    show($("#check-email"), false);
    show(form, true);
  });
});
