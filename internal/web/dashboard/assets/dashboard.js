// Live preview of "when, in words": as the owner types, the server reads
// the text as it would on save (POST /dashboard/parse) and the page says
// how it was read. The form works without this script (its Preview button).
(function () {
  "use strict";
  var input = document.querySelector("input[data-preview]");
  var out = document.getElementById("live-preview");
  if (!input || !out || !window.fetch) return;
  var form = input.form;
  var timer = 0, seq = 0;
  function show(text, bad) {
    out.textContent = text;
    out.className = bad ? "error live" : "note live";
  }
  function ask() {
    var text = input.value.trim();
    if (!text) { show("", false); return; }
    var body = new URLSearchParams();
    body.set("text", text);
    body.set("csrf", form.elements.csrf.value);
    if (form.elements.tz) body.set("tz", form.elements.tz.value);
    var n = ++seq;
    fetch(input.getAttribute("data-preview"), {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (n !== seq) return;
        if (j.error) show(j.error, true);
        else show("→ " + j.words + " (" + j.zone + ") · first " + j.first, false);
      })
      .catch(function () {});
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 350);
  });
  if (input.value.trim()) ask();
})();
