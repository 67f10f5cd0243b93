// "Notifications on this device": registers the service worker (/sw.js) and turns Web Push on or off for this
// browser. Runs only where the page offers the switch (the notification preferences), and shows the switch
// only when this browser can do push. The subscription goes to the API (session and CSRF token).
"use strict";

(function devicePush() {
  const box = document.getElementById("device-push");
  if (!box) return;
  const supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported || !window.isSecureContext) return;

  const toggle = document.getElementById("device-push-toggle");
  const status = document.getElementById("device-push-status");
  const api = box.dataset.api;
  const token = document.querySelector('meta[name="csrf-token"]');
  let registration = null;

  function say(key) { status.textContent = box.dataset[key] || ""; }

  function send(method, body) {
    return fetch(api, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.content : "" },
      body: JSON.stringify(body),
    }).then(function (response) { if (!response.ok) throw new Error("status " + response.status); });
  }

  function applicationServerKey() {
    const raw = box.dataset.key.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = atob(raw + "===".slice((raw.length + 3) % 4));
    return Uint8Array.from(bytes, function (c) { return c.charCodeAt(0); });
  }

  function show(on) {
    toggle.checked = on;
    say(on ? "on" : "off");
  }

  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { toggle.checked = false; say("blocked"); return null; }
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey() })
        .then(function (subscription) { return send("POST", subscription.toJSON()); })
        .then(function () { show(true); });
    });
  }

  function turnOff() {
    return registration.pushManager.getSubscription().then(function (subscription) {
      if (!subscription) { show(false); return null; }
      const endpoint = subscription.endpoint;
      // Off on this device first, so that nothing more can arrive even if the server cannot be told now.
      return subscription.unsubscribe().then(function () { return send("DELETE", { endpoint: endpoint }); })
        .then(function () { show(false); });
    });
  }

  toggle.addEventListener("change", function () {
    toggle.disabled = true;
    (toggle.checked ? turnOn() : turnOff())
      .catch(function () { toggle.checked = !toggle.checked; say("failed"); })
      .then(function () { toggle.disabled = false; });
  });

  navigator.serviceWorker.register(box.dataset.worker, { scope: "/" }).then(function (found) {
    registration = found;
    return found.pushManager.getSubscription();
  }).then(function (subscription) {
    const on = Boolean(subscription) && Notification.permission === "granted";
    box.hidden = false;
    show(on);
    // The server may have dropped this device (the push service said it was gone): tell it again.
    if (on) send("POST", subscription.toJSON()).catch(function () { /* the switch still says what the device does */ });
  }).catch(function () { /* no service worker here (a private window, say): the switch stays hidden */ });
})();
