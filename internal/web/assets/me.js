// The personal page: follows the recipient's inbox (Server-Sent Events)
// and shows a new item by reloading the list; registers the page's
// service worker (installable, and the push notifications it shows).
(function () {
  var main = document.getElementById('me');
  if (!main) return;
  var base = main.getAttribute('data-base');
  var lang = main.getAttribute('data-lang');
  function refresh() {
    fetch(base + '?lang=' + encodeURIComponent(lang), {credentials: 'same-origin'}).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, 'text/html');
      ['fired', 'coming'].forEach(function (id) {
        var fresh = doc.getElementById(id), old = document.getElementById(id);
        if (fresh && old) old.replaceWith(fresh);
      });
    }).catch(function () {});
  }
  if (window.EventSource) {
    var es = new EventSource(base + '/events');
    var live = document.getElementById('live');
    es.addEventListener('open', function () { if (live) live.hidden = false; });
    es.addEventListener('error', function () { if (live) live.hidden = true; });
    es.addEventListener('item', refresh);
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register(base + '/sw.js', {scope: base}).catch(function () {});
  }
})();
