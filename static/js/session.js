// What an htmx request that fails must not lose. A session that ended answers 401 (see
// units/middleware.py) and nothing is swapped: the page keeps what was typed, and the alert
// says so and offers to sign in again in a new tab. Every request carries the CSRF token of
// the csrftoken cookie, so a save made after signing in again (which changes the token)
// passes. An unreachable server or a server error is said too; nothing is swapped then either.
(() => {
  "use strict";

  function cookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...value] = part.trim().split("=");
      if (key === name) return decodeURIComponent(value.join("="));
    }
    return "";
  }

  function show(selector) {
    for (const node of document.querySelectorAll("[data-session-ended], [data-request-failed]")) {
      node.hidden = !node.matches(selector);
    }
  }

  function hideAll() {
    show(":not(*)");
  }

  function failed(message) {
    const text = document.querySelector("[data-request-failed-text]");
    if (text) text.textContent = message;
    show("[data-request-failed]");
  }

  document.addEventListener("htmx:configRequest", (event) => {
    const token = cookie("csrftoken");
    if (!token) return;
    event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.verb !== "get") event.detail.parameters.csrfmiddlewaretoken = token;
  });

  document.addEventListener("fc:session-ended", () => show("[data-session-ended]"));

  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    if (status === 401) {
      show("[data-session-ended]");
      return;
    }
    const text = document.querySelector("[data-request-failed-text]");
    failed((text ? text.dataset.msgStatus : "").replace("{status}", status));
  });

  document.addEventListener("htmx:sendError", () => {
    const text = document.querySelector("[data-request-failed-text]");
    failed(text ? text.dataset.msgOffline : "");
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) hideAll();
  });
})();
