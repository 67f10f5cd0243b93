// The safety plan's page: a copy kept on this device for when there is no signal (on the client's request), the
// print button and the printout's warning. No inline scripts: the Content-Security-Policy forbids them.
//
// The copy is the page as shown, without what only works online (forms, the CSRF token, the idle timer), encrypted
// with AES-GCM under a random key made here as a non-extractable CryptoKey; both live in IndexedDB
// ("attune-offline"), and the service worker (sw.js) decrypts the copy only when the network fails. Signing out,
// quick exit and the sign-in page delete the key and the copy (attune.js: attuneForgetOffline).
"use strict";

(function printing() {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // On the chooser, the note about the relationship part shows when that part is ticked.
  const form = document.getElementById("print-form");
  const warning = document.getElementById("print-warning");
  if (!form || !warning) return;
  const box = form.querySelector('input[name="parts"][value="relationship"]');
  if (!box) return;
  function sync() { warning.hidden = !box.checked; }
  box.addEventListener("change", sync);
  sync();
})();

(function suggestions() {
  // A warning sign suggested from the diary goes into the step's words with one tap (and out again).
  const text = document.getElementById("id_text");
  if (!text) return;
  document.querySelectorAll("[data-suggest]").forEach(function (button) {
    button.addEventListener("click", function () {
      const words = button.dataset.suggest;
      const lines = text.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
      const at = lines.indexOf(words);
      if (at === -1) lines.push(words); else lines.splice(at, 1);
      text.value = lines.join("\n");
      button.setAttribute("aria-pressed", at === -1 ? "true" : "false");
    });
  });
})();

(function offlineCopy() {
  const DB = "attune-offline";
  const PATH = "/portal/plan/";
  const STATIC_CACHE = "attune-offline-static";
  const FLAG = "attune.plan-offline";
  const root = document.documentElement;

  if (root.classList.contains("offline-copy")) {
    // This is the copy, opened without a signal: say so, and when it was kept.
    const banner = document.getElementById("offline-banner");
    const saved = root.dataset.saved ? new Date(root.dataset.saved) : null;
    if (saved && !isNaN(saved)) {
      document.getElementById("offline-saved").textContent = ", saved on " + saved.toLocaleString("en-GB", {
        day: "numeric", month: "long", hour: "2-digit", minute: "2-digit",
      });
    }
    if (banner) banner.hidden = false;
    return;
  }

  const keep = document.getElementById("keep-offline");
  const drop = document.getElementById("forget-offline");
  const status = document.getElementById("offline-status");
  if (!keep || !drop || !status) return;
  const supported = "serviceWorker" in navigator && window.crypto && window.crypto.subtle && window.indexedDB &&
    window.caches && window.isSecureContext;
  if (!supported) {
    status.textContent = "This browser cannot keep a copy for when there is no signal.";
    return;
  }

  function settle(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    const opening = window.indexedDB.open(DB, 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore("keys");
      opening.result.createObjectStore("pages");
    };
    return settle(opening);
  }

  function write(db, store, value, key) {
    return new Promise(function (resolve, reject) {
      const tx = db.transaction(store, "readwrite");
      tx.objectStore(store).put(value, key);
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
    });
  }

  async function keyOf(db) {
    const found = await settle(db.transaction("keys", "readonly").objectStore("keys").get("plan"));
    if (found) return found;
    const made = await window.crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
    await write(db, "keys", made, "plan");
    return made;
  }

  function snapshot() {
    const copy = root.cloneNode(true);
    copy.classList.add("offline-copy");
    copy.setAttribute("data-saved", new Date().toISOString());
    copy.querySelectorAll('meta[name="csrf-token"], .online-only, .messages, #idle-warning, noscript')
      .forEach(function (node) { node.remove(); });
    const body = copy.querySelector("body");
    ["data-idle-seconds", "data-keepalive-url", "data-signed-out-url"].forEach(function (name) {
      body.removeAttribute(name);
    });
    return "<!doctype html>\n" + copy.outerHTML;
  }

  function assets() {
    const found = [];
    document.querySelectorAll('link[rel="stylesheet"][href^="/static/"], script[src^="/static/"]').forEach(function (node) {
      found.push(node.getAttribute("href") || node.getAttribute("src"));
    });
    return found;
  }

  async function save() {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    const db = await openDb();
    try {
      const key = await keyOf(db);
      const iv = window.crypto.getRandomValues(new Uint8Array(12));
      const data = await window.crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, key, new TextEncoder().encode(snapshot()));
      await write(db, "pages", { iv: iv, data: data }, PATH);
    } finally {
      db.close();
    }
    const cache = await window.caches.open(STATIC_CACHE);
    await cache.addAll(assets());
    await navigator.serviceWorker.ready;
  }

  function show(kept) {
    keep.hidden = kept;
    drop.hidden = !kept;
  }

  function keepCopy(message) {
    status.textContent = "Keeping a copy…";
    return save().then(function () {
      window.localStorage.setItem(FLAG, "1");
      show(true);
      status.textContent = message;
    }, function () {
      window.attuneForgetOffline();
      show(false);
      status.textContent = "The copy could not be kept on this device. Your plan is safe here, online.";
    });
  }

  let kept = false;
  try { kept = window.localStorage.getItem(FLAG) === "1"; } catch (e) { kept = false; }
  show(kept);
  // A copy already kept is brought up to date each time the plan is opened online.
  if (kept) keepCopy("A copy of this page is kept on this phone, up to date.");
  keep.addEventListener("click", function () {
    keepCopy("A copy of this page is now kept on this phone. It opens here even without a signal.");
  });
  drop.addEventListener("click", function () {
    window.attuneForgetOffline().then(function () {
      show(false);
      status.textContent = "The copy is gone from this phone.";
    });
  });
})();
