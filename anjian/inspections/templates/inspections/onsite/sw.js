// The service worker of /inspections/onsite/ (served by views.onsite_sw; its scope is that path).
// It keeps what the inspection form needs offline:
// - the pages of the scope: network first, the last good copy when offline;
// - static files (hashed names, never change): from the cache first;
// - the inspection bundles (/api/v1/onsite-inspections/<id>): network first, then the copy;
// - photos already uploaded: from the cache first.
// A page asks it to keep URLs now ({type: "cache", urls}) — the first visit happens before
// the worker controls the page — and is told when they are kept ({type: "cached"}).
// Writes (POST) are never touched: the page keeps them in IndexedDB until it is online.
"use strict";

const VERSION = {{ version_json|safe }};
const ASSETS = {{ assets_json|safe }};
const SCOPE = {{ scope_json|safe }};
const API = {{ api_json|safe }};
const OFFLINE = {{ offline_json|safe }};
const STATIC_CACHE = "onsite-static-" + VERSION;
const DATA_CACHE = "onsite-data";
const MATCH = { ignoreVary: true };

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(STATIC_CACHE)
      .then((cache) => Promise.all(ASSETS.map((url) => cache.add(url).catch(() => null))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("onsite-static-") && name !== STATIC_CACHE)
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

function isPage(url, request) {
  return url.pathname.startsWith(SCOPE) && (request.mode === "navigate" ||
    (request.headers.get("accept") || "").includes("text/html"));
}

function isBundle(url) {
  return url.pathname.startsWith(API) && /^\d+$/.test(url.pathname.slice(API.length));
}

function isPhoto(url) {
  return url.pathname.startsWith(SCOPE) && /\/\d+\/(evidence|signature)\//.test(url.pathname);
}

function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

async function networkFirst(request, fallback) {
  const cache = await caches.open(DATA_CACHE);
  try {
    const response = await fetch(request);
    if (keepable(response)) { await cache.put(request, response.clone()); }
    return response;
  } catch (error) {
    const kept = await cache.match(request, MATCH);
    if (kept) { return kept; }
    if (fallback) { return fallback(); }
    throw error;
  }
}

async function cacheFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  const kept = await cache.match(request, MATCH);
  if (kept) { return kept; }
  const response = await fetch(request);
  if (keepable(response)) { await cache.put(request, response.clone()); }
  return response;
}

function offlinePage() {
  const body = "<!doctype html><html lang=\"zh-Hans\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>离线</title><p>" + OFFLINE + "</p><p><a href=\"" + SCOPE + "\">现场检查</a></p></html>";
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === SCOPE + "sw.js") { return; }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request, STATIC_CACHE));
  } else if (isPhoto(url)) {
    event.respondWith(cacheFirst(request, DATA_CACHE));
  } else if (isBundle(url)) {
    event.respondWith(networkFirst(request));
  } else if (isPage(url, request)) {
    event.respondWith(networkFirst(request, offlinePage));
  }
});

// A page asks: keep these pages (and, with bundles, each inspection's bundle) now.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "cache") { return; }
  const urls = [];
  for (const page of data.urls || []) {
    urls.push(page);
    const found = /\/(\d+)\/$/.exec(page);
    if (data.bundles && found) { urls.push(API + found[1]); }
  }
  event.waitUntil((async () => {
    const cache = await caches.open(DATA_CACHE);
    let kept = 0;
    for (const address of urls) {
      try {
        const response = await fetch(address, { credentials: "same-origin" });
        if (keepable(response)) { await cache.put(address, response); kept += 1; }
      } catch (error) { /* offline or refused: keep what is there */ }
    }
    if (event.source) { event.source.postMessage({ type: "cached", kept: kept, asked: urls.length }); }
  })());
});
