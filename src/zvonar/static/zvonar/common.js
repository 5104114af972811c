// Helpers shared by Zvonar's pages.
"use strict";

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

// "m:ss" or "h:mm:ss" since an ISO time, as of the clock value now (milliseconds).
function formatElapsed(since, now) {
  const seconds = Math.max(0, Math.floor((now - new Date(since).getTime()) / 1000));
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
  return (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
}

// When the session has ended (logged out in another tab, expired, the account blocked), the
// server answers a page's background request with a redirect to the login page. Reading that
// page as data, or showing it inside a card, would leave the page half-working; instead the page
// reloads, which shows the login form and comes back here after it.
function sessionEnded(url) {
  const login = document.body.dataset.loginUrl;
  return Boolean(login && url) && new URL(url, location.href).pathname === login;
}

// fetch() for the page's own scripts. If the session has ended it reloads the page and never
// settles, so the caller simply stops.
async function pageFetch(url, options = {}) {
  const response = await fetch(url, { credentials: "same-origin", ...options });
  if (response.redirected && sessionEnded(response.url)) {
    location.reload();
    return new Promise(() => {});
  }
  return response;
}

document.addEventListener("htmx:beforeSwap", (event) => {
  if (sessionEnded(event.detail.xhr.responseURL)) {
    event.detail.shouldSwap = false;
    location.reload();
  }
});
