// Shows each <time data-local> in the viewer's own zone; the server-rendered
// text (in the reminder's zone) stays beside it.
(function () {
  var els = document.querySelectorAll('time[data-local]');
  for (var i = 0; i < els.length; i++) {
    var el = els[i], d = new Date(el.getAttribute('datetime'));
    if (isNaN(d.getTime())) continue;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      el.textContent = new Intl.DateTimeFormat(undefined, {
        year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short',
        hour: '2-digit', minute: '2-digit', hour12: false
      }).format(d);
      var z = document.getElementById(el.getAttribute('data-local'));
      if (z && zone) z.textContent = '(' + zone + ')';
      el.setAttribute('data-converted', zone || 'local');
    } catch (e) {}
  }
})();
