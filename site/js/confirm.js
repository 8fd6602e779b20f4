// The confirm page: opening the link changes nothing; the button POSTs the token.
document.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const token = params.get("token");
  // Drop the token from the address bar and history as soon as it is read.
  history.replaceState(null, "", window.location.pathname);
  const notice = $("#confirm-notice");
  if (!token) {
    message(notice, "This link is incomplete. Please ask for a new link.", "error");
    show($("#confirm-form"), false);
    return;
  }
  $("#confirm-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#confirm-button").disabled = true;
    try {
      await Api.post("/api/auth/verify", { token });
      Api.forget();
      window.location.assign("/");
    } catch (error) {
      message(notice, error.message, "error");
      show($("#confirm-form"), false);
      show($("#new-link"), true);
    }
  });
});
