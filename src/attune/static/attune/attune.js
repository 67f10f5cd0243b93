// Attune's own script. No inline scripts anywhere: the Content-Security-Policy forbids them.
"use strict";

// The copy of the safety plan a client may keep on their device for when there is no signal (safetyplan.js
// writes it, sw.js reads it): the key, the encrypted copy and the cached static files all go at once. Returns a
// promise; the service worker is asked to do the same, since it outlives the page.
window.attuneForgetOffline = function () {
  const jobs = [];
  try {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "attune-forget" });
    }
  } catch (e) { /* the page's own deletion below still runs */ }
  try {
    jobs.push(new Promise(function (resolve) {
      const deleting = window.indexedDB.deleteDatabase("attune-offline");
      deleting.onsuccess = deleting.onerror = deleting.onblocked = function () { resolve(); };
    }));
  } catch (e) { /* no IndexedDB: nothing was kept */ }
  try { if (window.caches) jobs.push(window.caches.delete("attune-offline-static")); } catch (e) { /* idem */ }
  try { window.localStorage.removeItem("attune.plan-offline"); } catch (e) { /* storage may be blocked */ }
  return Promise.all(jobs).catch(function () {});
};

(function forgetWhenSignedOut() {
  // Signing out forgets the offline copy before the form goes; any page seen signed out (the sign-in page after
  // a session ended) forgets it too. The offline copy itself is marked, and never forgets itself.
  if (document.documentElement.classList.contains("offline-copy")) return;
  if (!document.body.dataset.idleSeconds) { window.attuneForgetOffline(); return; }
  document.querySelectorAll('form[action$="/account/sign-out/"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.forgotten) return;
      event.preventDefault();
      window.attuneForgetOffline().then(function () { form.dataset.forgotten = "1"; form.submit(); });
    });
  });
})();

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
    // The safety plan's offline copy and its key go too (the deletion carries on after the page has gone).
    window.attuneForgetOffline();
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
