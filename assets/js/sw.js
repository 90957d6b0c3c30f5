// Loupe's service worker (template: serve.py fills in the version and files).
//
// - install: precache every file of this version into its own cache, all or
//   nothing (a failed install keeps the previous version in charge);
// - fetch: same-origin GETs are answered from this version's cache only, so a
//   page never mixes files of two versions; anything else goes to the network
//   untouched (URLs the person gave);
// - activate: delete the caches of other versions.
// A new version waits until every tab of the old one is closed, or until the
// page asks it to take over ("skip-waiting") and reloads itself.

const VERSION = "__LOUPE_VERSION__";
const CACHE = `loupe-${VERSION}`;
const PRECACHE = __LOUPE_PRECACHE__;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    try {
      // Vendored files live in versioned folders, so the HTTP cache's copy
      // (from the visit that registered us) is right and costs no download;
      // everything else is revalidated so no stale copy enters this version.
      await cache.addAll(PRECACHE.map((path) => new Request(path, {
        cache: path.startsWith("assets/vendor/") ? "default" : "no-cache",
      })));
    } catch (error) {
      await caches.delete(CACHE); // leave no half-filled version behind
      throw error;
    }
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("loupe-") && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const key = url.pathname === new URL("./", self.location).pathname ? "./" : request;
    const hit = await cache.match(key, { ignoreSearch: request.mode === "navigate" });
    if (hit) return hit;
    // Not part of the app (for example a data file the person asked for by URL).
    return fetch(request);
  })());
});
