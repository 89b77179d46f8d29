// Recyclic's service worker: keeps the page shells and the assets of this version, so that the
// till starts without the network. It never touches the API (the till keeps its own data and
// its outbox in IndexedDB) and never handles anything but GET.
const VERSION = {{ version }};
const CACHE = `recyclic-${VERSION}`;
const PRECACHE = {{ precache }};
const SHELLS = new Set({{ shells }});
const NAVIGATION_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  // Revalidated with the server (ETag): the new version is never made of stale files, and
  // what the page has just downloaded is not downloaded twice.
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "no-cache" })))),
  );
  // No skipWaiting here: the till tells us when it is between two tickets.
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("recyclic-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Pages: the network first (fresh when online), the kept shell when it fails or hangs. */
async function navigate(request) {
  const url = new URL(request.url);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok && SHELLS.has(url.pathname)) {
      const cache = await caches.open(CACHE);
      cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(url.pathname, { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}

/** Assets: the kept copy of this version first; the network for anything else. */
async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") event.respondWith(navigate(request));
  else if (url.pathname.startsWith("/assets/")) event.respondWith(asset(request));
});
