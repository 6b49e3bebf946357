// RaaS service worker (served at /sw.js, scope /): shows the reminders
// pushed to this browser. A message is the JSON of webpush.Message:
// {title, body, url, delivery_id, reminder_id, unsubscribe_url, actions}.
// actions ([{action, title, url}], a recipient's confirm and snooze) are
// the notification's buttons; each opens its page, where a button does it.
//
// Delivery is at least once, so the same delivery may arrive twice: the
// notification's tag is the delivery id, so a copy replaces the one still
// shown, and the ids already shown are kept (the last 200, in Cache
// Storage) so a copy of one the user has dismissed is dropped.
var SEEN = 'raas-webpush-seen', KEEP = 200;

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

function seenBefore(id) {
  if (!id || !self.caches) return Promise.resolve(false);
  var key = new Request('/webpush-seen/' + encodeURIComponent(id));
  return caches.open(SEEN).then(function (cache) {
    return cache.match(key).then(function (hit) {
      if (hit) return true;
      return cache.put(key, new Response('1')).then(function () { return cache.keys(); }).then(function (keys) {
        return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP)).map(function (k) { return cache.delete(k); }));
      }).then(function () { return false; });
    });
  }).catch(function () { return false; });
}

self.addEventListener('push', function (event) {
  var m = {};
  try { m = event.data ? event.data.json() : {}; } catch (e) { m = {body: event.data ? event.data.text() : ''}; }
  var id = m.delivery_id || '';
  event.waitUntil(seenBefore(id).then(function (seen) {
    if (seen) return; // shown before (still on screen, or dismissed): not again
    var links = {};
    var opts = {body: m.body || '', data: {url: m.url || '', unsubscribe: m.unsubscribe_url || '', links: links}};
    if (id) opts.tag = id;
    var acts = [];
    (m.actions || []).slice(0, 2).forEach(function (a) {
      if (a && a.action && a.url) { links[a.action] = a.url; acts.push({action: a.action, title: a.title || a.action}); }
    });
    if (!acts.length && m.unsubscribe_url) acts = [{action: 'unsubscribe', title: '退订 / Unsubscribe'}];
    if (acts.length) opts.actions = acts;
    return self.registration.showNotification(m.title || '提醒 / Reminder', opts);
  }));
});

self.addEventListener('notificationclick', function (event) {
  var d = event.notification.data || {};
  event.notification.close();
  if (event.action === 'unsubscribe' && d.unsubscribe) {
    event.waitUntil(fetch(d.unsubscribe, {method: 'POST'}));
    return;
  }
  if (event.action && d.links && d.links[event.action]) {
    event.waitUntil(self.clients.openWindow(d.links[event.action]));
    return;
  }
  if (d.url) event.waitUntil(self.clients.openWindow(d.url));
});
