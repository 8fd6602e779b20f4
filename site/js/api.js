// The one way pages talk to the API: JSON in and out, the CSRF header on every change,
// errors surfaced as {status, code, message}.
const Api = (() => {
  let csrf = null;
  let me = null;

  async function call(method, path, body, extraHeaders) {
    const headers = { "Accept": "application/json", ...(extraHeaders || {}) };
    // The chosen language, so that what the API sends (a sign-in mail) is in it too.
    if (typeof I18n !== "undefined") headers["Accept-Language"] = I18n.lang;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = await csrfToken();
    const response = await fetch(path, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const error = (data && data.error) || { code: "http_" + response.status,
                                              message: "Something went wrong." };
      // People read the error in their language (js/i18n.js); the API's own words stay at hand.
      const words = typeof I18n === "undefined" ? error.message : I18n.error({
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
    post: (path, body, headers) => call("POST", path, body === undefined ? {} : body, headers),
    patch: (path, body) => call("PATCH", path, body),
    del: (path, body) => call("DELETE", path, body),
  };
})();

// Small DOM helpers shared by the pages.
function $(selector, root) { return (root || document).querySelector(selector); }
function show(element, visible) { element.hidden = !visible; }
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}
function message(target, text, kind) {
  target.textContent = text;
  target.className = "notice " + (kind || "info");
  target.hidden = !text;
}

// Where to go back to after signing in: a path of this site only, never another origin.
const RETURN_KEY = "caaartoons.return";
function safeReturnPath(value) {
  return typeof value === "string" && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : null;
}
