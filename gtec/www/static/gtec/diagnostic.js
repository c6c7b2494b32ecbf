// Diagnostic pages: fetch the document with a progress indication; posts (a PDF to prepare) say they run.
(function () {
  "use strict";
  function elapsed(box) {
    var start = Date.now();
    var out = box.querySelector("[data-elapsed]");
    return setInterval(function () {
      if (out) { out.textContent = Math.round((Date.now() - start) / 1000) + " s"; }
    }, 500);
  }
  var body = document.getElementById("diag-body");
  if (body && body.dataset.src) {
    var timer = elapsed(body);
    fetch(body.dataset.src, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) { clearInterval(timer); body.innerHTML = html; body.setAttribute("data-loaded", "1"); })
      .catch(function () {
        clearInterval(timer);
        body.innerHTML = '<p class="diag-progress">Le diagnostic n\u2019a pas pu être préparé. Réessayez dans un instant.</p>';
      });
  }
  document.querySelectorAll("button[data-progress]").forEach(function (button) {
    button.form && button.form.addEventListener("submit", function () {
      button.disabled = true;
      button.textContent = button.dataset.progress;
    });
  });
})();
