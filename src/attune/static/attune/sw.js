// Attune's service worker: shows Web Push notifications, and opens the client's safety plan without a signal.
//
// Push: a push carries only {label, link}, encrypted for this device; every notification says the same one
// sentence, and tapping it opens the link, which asks for sign-in and then sends only its recipient on.
//
// Offline: it answers two kinds of request and lets every other one through untouched. The safety plan's page
// (/portal/plan/) goes to the network first; only when the network fails is it answered from the copy the client
// chose to keep on this device, which the page itself wrote to IndexedDB encrypted with AES-GCM under a key that
// cannot be read out (a non-extractable CryptoKey). Without that copy, or once it is gone, the answer is the
// browser's own offline error, which says nothing. Attune's static files are answered from their cache only when
// the network fails. Signing out, quick exit and the sign-in page delete the key, the copy and that cache
// (attune.js); a "forget" message from a page does the same from here, since the worker outlives the page.
// Served from /sw.js so that its scope is the whole site.
"use strict";

const LINK = /^\/n\/[0-9a-f-]{36}\/$/;

function readPush(event) {
  try {
    const data = event.data ? event.data.json() : {};
    const label = typeof data.label === "string" && data.label.trim() ? data.label.trim().slice(0, 40) : "Attune";
    const link = typeof data.link === "string" && LINK.test(data.link) ? data.link : "/";
    return { label: label, link: link };
  } catch (e) {
    return { label: "Attune", link: "/" };
  }
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  const message = readPush(event);
  // The tag is the message's link: a message delivered twice replaces itself instead of showing twice.
  event.waitUntil(self.registration.showNotification("You have a new message in " + message.label, {
    tag: message.link,
    data: { link: message.link },
    icon: "/static/attune/icon-192.png",
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const data = event.notification.data || {};
  const link = typeof data.link === "string" && LINK.test(data.link) ? data.link : "/";
  event.waitUntil(self.clients.openWindow(link));
});

// --- the safety plan, offline ------------------------------------------------------------------------------

const PLAN_PATH = "/portal/plan/";
const OFFLINE_DB = "attune-offline";
const STATIC_CACHE = "attune-offline-static";
const OFFLINE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'",
};

function settle(request) {
  return new Promise(function (resolve, reject) {
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

async function offlinePlan() {
  try {
    // Never create the database here: after quick exit there must be nothing, not even an empty one.
    if (indexedDB.databases) {
      const names = (await indexedDB.databases()).map(function (d) { return d.name; });
      if (names.indexOf(OFFLINE_DB) === -1) return Response.error();
    }
    const opening = indexedDB.open(OFFLINE_DB, 1);
    opening.onupgradeneeded = function () { opening.transaction.abort(); };
    const db = await settle(opening);
    const tx = db.transaction(["keys", "pages"], "readonly");
    const key = await settle(tx.objectStore("keys").get("plan"));
    const copy = await settle(tx.objectStore("pages").get(PLAN_PATH));
    db.close();
    if (!key || !copy) return Response.error();
    const html = await crypto.subtle.decrypt({ name: "AES-GCM", iv: copy.iv }, key, copy.data);
    return new Response(html, { status: 200, headers: OFFLINE_HEADERS });
  } catch (e) {
    return Response.error();
  }
}

async function forget() {
  await caches.delete(STATIC_CACHE);
  await new Promise(function (resolve) {
    const deleting = indexedDB.deleteDatabase(OFFLINE_DB);
    deleting.onsuccess = deleting.onerror = deleting.onblocked = function () { resolve(); };
  });
}

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PLAN_PATH) {
    event.respondWith(fetch(request).catch(offlinePlan));
  } else if (url.pathname.indexOf("/static/attune/") === 0) {
    event.respondWith(fetch(request).catch(function () {
      return caches.match(request, { cacheName: STATIC_CACHE }).then(function (found) {
        return found || Response.error();
      });
    }));
  }
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "attune-forget") event.waitUntil(forget());
});
