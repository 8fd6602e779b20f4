// The one way pages talk to the API: JSON in and out, the CSRF header on every change,
// errors surfaced as {status, code, message}.
import { I18n } from "./i18n.js";

export const Api = (() => {
  let csrf = null;
  let me = null;

  // `signal` (an AbortSignal) lets a page drop a request whose answer it no longer wants.
  async function call(method, path, body, extraHeaders, signal) {
    const headers = { "Accept": "application/json", ...(extraHeaders || {}) };
    // The chosen language, so that what the API sends (a sign-in mail) is in it too.
    headers["Accept-Language"] = I18n.lang;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = await csrfToken();
    const response = await fetch(path, {
      method, headers, credentials: "same-origin", signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (data && data.error) || { code: "http_" + response.status,
                                              message: "Something went wrong." };
      // People read the error in their language (js/i18n.js); the API's own words stay at hand.
      const words = I18n.error({
        ...error, status: response.status, retryAfter: response.headers.get("Retry-After") });
      throw Object.assign(new Error(words), { apiMessage: error.message,
        status: response.status, code: error.code, details: error.details,
        retryAfter: response.headers.get("Retry-After") });
    }
    return data;
  }

  async function csrfToken() {
    if (csrf) return csrf;
    await account();  // signed in, the token is bound to the session
    if (csrf) return csrf;
    const data = await call("GET", "/api/auth/csrf");
    csrf = data.csrf_token;
    return csrf;
  }

  // The signed-in account, or null when signed out.
  async function account(refresh) {
    if (me && !refresh) return me;
    try {
      me = await call("GET", "/api/me");
      csrf = me.csrf_token;
    } catch (error) {
      if (error.status !== 401) throw error;
      me = null;
    }
    return me;
  }

  function forget() { me = null; csrf = null; }

  return {
    account, forget,
    get: (path) => call("GET", path),
    post: (path, body, headers, signal) =>
      call("POST", path, body === undefined ? {} : body, headers, signal),
    patch: (path, body) => call("PATCH", path, body),
    del: (path, body) => call("DELETE", path, body),
  };
})();

// Kept on window too: the browser tests call Api.get/Api.post from outside the modules
// (page.evaluate) to set up and read state, signed in as the page is.
window.Api = Api;
