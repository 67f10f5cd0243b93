// Attune's own script. No inline scripts anywhere: the Content-Security-Policy forbids them.
"use strict";

(function quickExit() {
  // On client and partner pages: the Exit button, or Shift pressed three times, blanks the page at once,
  // signs the session out on the server and replaces this history entry with a neutral site.
  const button = document.getElementById("quick-exit");
  if (!button) return;
  let leaving = false;
  function leave(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    document.title = "";
    document.documentElement.classList.add("exiting");
    document.body.replaceChildren();
    try {
      // Drafts kept on this device (the diary keeps what is typed until it is saved) go too.
      Object.keys(window.localStorage).forEach(function (k) { if (k.indexOf("attune.") === 0) window.localStorage.removeItem(k); });
    } catch (e) { /* storage may be blocked */ }
    try {
      const token = document.querySelector('meta[name="csrf-token"]');
      const form = new FormData();
      if (token) form.append("csrfmiddlewaretoken", token.content);
      navigator.sendBeacon(button.dataset.beacon, form);
    } catch (e) { /* leaving matters more than the beacon */ }
    window.location.replace(button.href);
  }
  button.addEventListener("click", leave);
  let presses = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = []; return; }
    if (event.repeat) return;
    const now = Date.now();
    presses = presses.filter(function (t) { return now - t < 1500; });
    presses.push(now);
    if (presses.length >= 3) leave();
  }, true);
})();

(function idleWarning() {
  // A minute before the server ends an idle session, offer to continue; at the end, go to sign-in.
  const body = document.body;
  const seconds = parseInt(body.dataset.idleSeconds || "0", 10);
  const banner = document.getElementById("idle-warning");
  if (!seconds || !banner) return;
  let warnTimer, endTimer, returnFocus = null;
  function schedule() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      returnFocus = document.activeElement;
      banner.hidden = false;
      document.getElementById("idle-continue").focus();
    }, Math.max(0, seconds - 60) * 1000);
    endTimer = setTimeout(function () { window.location.replace(body.dataset.signedOutUrl); }, seconds * 1000);
  }
  document.getElementById("idle-continue").addEventListener("click", function () {
    const token = document.querySelector('meta[name="csrf-token"]');
    fetch(body.dataset.keepaliveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "" },
    }).then(function (response) {
      if (response.ok) {
        banner.hidden = true;
        if (returnFocus && returnFocus.focus) returnFocus.focus();
        schedule();
      }
      else { window.location.replace(body.dataset.signedOutUrl); }
    });
  });
  schedule();
})();

// A form sent back with an error: move focus to the first message, so a screen reader reads it and the keyboard
// starts there (the field itself is marked aria-invalid and described by the message).
(function focusFirstError() {
  const first = document.querySelector("[data-focus-error]");
  if (first) {
    first.focus();
  }
})();
