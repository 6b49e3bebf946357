// Shows each <time data-local> in the viewer's own zone when it differs
// from the organiser's (data-zone), and then unhides the line that keeps
// the organiser's time and zone (#when-theirs).
(function () {
  var els = document.querySelectorAll('time[data-local]');
  for (var i = 0; i < els.length; i++) {
    var el = els[i], d = new Date(el.getAttribute('datetime'));
    if (isNaN(d.getTime())) continue;
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone, theirs = el.getAttribute('data-zone');
      if (!zone) continue;
      el.setAttribute('data-converted', zone);
      if (zone === theirs) continue; // the organiser's zone is the viewer's
      el.textContent = new Intl.DateTimeFormat(undefined, {
        month: 'short', day: 'numeric', weekday: 'short',
        hour: '2-digit', minute: '2-digit', hour12: false
      }).format(d);
      var z = document.getElementById(el.getAttribute('data-local'));
      if (z) z.textContent = '(' + zone + ')';
      var theirsLine = document.getElementById('when-theirs');
      if (theirsLine) theirsLine.hidden = false;
    } catch (e) {}
  }
})();
