// "Notify this browser" on the subscribe page: registers the service
// worker /sw.js, subscribes to push with the server's VAPID key (the
// page's data-key) and posts the PushSubscription to data-action. Which
// reminders this browser subscribed to is remembered in localStorage, so
// the page can offer to stop instead.
//
// When the browser cannot be notified the box stays, saying why and what
// to do, rather than disappearing: the server tells WeChat's browser and
// plain http apart (data-blocked); this script the rest.
(function () {
  var box = document.getElementById('webpush');
  if (!box || box.getAttribute('data-blocked')) return;
  var key = box.getAttribute('data-key'), action = box.getAttribute('data-action');
  var subBtn = document.getElementById('webpush-subscribe'), unsubBtn = document.getElementById('webpush-unsubscribe');
  var status = document.getElementById('webpush-status'), remembered = 'raas-webpush:' + action;

  function say(text) { status.textContent = text; }
  function blocked(text) { subBtn.disabled = true; say(text); }
  var ua = navigator.userAgent || '';
  var iOS = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  if (/MicroMessenger/i.test(ua)) {
    return blocked('微信内置浏览器不能显示通知：点右上角「···」选择「在浏览器打开」。WeChat\'s browser cannot show notifications: tap ··· and open this page in your browser.');
  }
  if (!window.isSecureContext) {
    return blocked('通知需要 https 网址。Notifications need an https address: ask the organiser to serve this page over https.');
  }
  if (iOS && !navigator.standalone) {
    return blocked('iPhone / iPad：先点「分享」→「添加到主屏幕」，从主屏幕打开这个页面后再订阅。On iPhone, tap Share → Add to Home Screen, open the page from there, then subscribe.');
  }
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return blocked('这个浏览器不支持通知，请换用 Chrome、Edge、Firefox 或 Safari。This browser cannot show notifications; try Chrome, Edge, Firefox or Safari.');
  }
  function show(subscribed) { subBtn.hidden = subscribed; unsubBtn.hidden = !subscribed; }
  function remember(on) {
    try { if (on) localStorage.setItem(remembered, '1'); else localStorage.removeItem(remembered); } catch (e) {}
  }
  function isRemembered() {
    try { return localStorage.getItem(remembered) === '1'; } catch (e) { return false; }
  }
  function bytes(b64url) {
    var s = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function sameKey(buf, want) {
    if (!buf) return false;
    var got = new Uint8Array(buf);
    if (got.length !== want.length) return false;
    for (var i = 0; i < got.length; i++) if (got[i] !== want[i]) return false;
    return true;
  }
  function post(url, body) {
    return fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body), credentials: 'same-origin'})
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) throw new Error((j.error && j.error.message) || ('HTTP ' + r.status));
          return j;
        });
      });
  }
  // The browser's one push subscription for this site, made with our key
  // (one made with an older key cannot be reused).
  function subscription(reg) {
    var want = bytes(key);
    return reg.pushManager.getSubscription().then(function (s) {
      if (s && s.options && sameKey(s.options.applicationServerKey, want)) return s;
      return (s ? s.unsubscribe() : Promise.resolve()).then(function () {
        return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: want});
      });
    });
  }

  var ready = navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(function () { return navigator.serviceWorker.ready; });
  ready.then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (s) { show(!!s && isRemembered()); })
    .catch(function (e) { say('此浏览器无法通知 / This browser cannot be notified: ' + e.message); subBtn.disabled = true; });

  subBtn.addEventListener('click', function () {
    subBtn.disabled = true;
    say('…');
    Notification.requestPermission()
      .then(function (perm) {
        if (perm !== 'granted') throw new Error('通知被拒绝 / notifications are not allowed');
        return ready;
      })
      .then(subscription)
      .then(function (s) { return post(action, s.toJSON()); })
      .then(function () { remember(true); show(true); say('已订阅：提醒会通知此浏览器。Subscribed: this browser will be notified.'); })
      .catch(function (e) { say('订阅失败 / Could not subscribe: ' + e.message); })
      .then(function () { subBtn.disabled = false; });
  });

  unsubBtn.addEventListener('click', function () {
    unsubBtn.disabled = true;
    ready.then(function (reg) { return reg.pushManager.getSubscription(); })
      .then(function (s) { return s ? post(action + '/unsubscribe', {endpoint: s.endpoint}) : null; })
      .then(function () { remember(false); show(false); say('已退订 / Unsubscribed.'); })
      .catch(function (e) { say('退订失败 / Could not unsubscribe: ' + e.message); })
      .then(function () { unsubBtn.disabled = false; });
  });
})();
