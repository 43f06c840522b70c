// The judge page's service worker (registered over https only: offline.js). It keeps the page's shell (its HTML,
// scripts, styles, the vendored modules, the dance names, the German words) and serves it when the box does not
// answer, so that a reload while the box is unreachable still shows the page and the sheets it has queued. The API
// is never cached nor answered from here: its requests go to the box or fail, and the outbox (queue.js) keeps the
// sheets.
const SHELL = "floorcraft-judge-v2";  // a new name when CORE changes: the old shell is dropped
const CORE = [
  "/judge/", "/judge/judge.js", "/judge/queue.js", "/judge/signature.js", "/judge/offline.js", "/judge/judge.css",
  "/style.css", "/favicon.svg", "/lib/device.js", "/lib/dances.js", "/lib/i18n.js", "/lib/locale/de.json",
];

const kept = (url) => url.origin === self.location.origin && !url.pathname.startsWith("/api/");
const keep = (cache, urls) => Promise.all(urls.map((u) => cache.add(u).catch(() => false)));  // one missing: the rest

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => keep(cache, CORE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = (keys) => Promise.all(keys.filter((k) => k !== SHELL).map((k) => caches.delete(k)));
  event.waitUntil(caches.keys().then(old).then(() => self.clients.claim()));
});

// The page names every file it loaded (its modules import more than CORE): keep those too, then say so.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "keep" || !event.ports[0]) return;
  const urls = [...new Set(event.data.urls.map((u) => new URL(u, self.location)).filter(kept)
    .map((u) => u.pathname + u.search))];
  event.waitUntil(caches.open(SHELL).then((cache) => keep(cache, urls))
    .then((done) => event.ports[0].postMessage({ kept: done.filter((ok) => ok !== false).length })));
});

// Network first (the box's current page while it answers, kept for later), the kept copy when it does not.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !kept(url)) return;
  event.respondWith(fresh(event.request));
});

async function fresh(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const copy = await cache.match(request, { ignoreSearch: true });
    if (copy) return copy;
    throw error;
  }
}
