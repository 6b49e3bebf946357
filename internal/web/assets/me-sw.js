// The personal page's service worker (served at /me/{token}/sw.js, scope
// /me/{token}): the site worker's notifications, and the page answered
// from the network (nothing cached: the page shows the current state).
importScripts('/sw.js');
self.addEventListener('fetch', function (event) {
  if (event.request.method !== 'GET' || /\/events$/.test(new URL(event.request.url).pathname)) return;
  event.respondWith(fetch(event.request));
});
