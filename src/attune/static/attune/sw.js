// Attune's service worker: shows Web Push notifications, and nothing else.
//
// It has no fetch handler and keeps no cache, so no page is ever stored on the device (quick exit and signing
// out leave nothing behind). A push carries only {label, link}, encrypted for this device; every notification
// says the same one sentence, and tapping it opens the link, which asks for sign-in and then sends only its
// recipient on. Served from /sw.js so that its scope is the whole site.
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
