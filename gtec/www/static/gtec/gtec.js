/* Suggestions under a text field, ARIA combobox pattern, keyboard usable: the one mechanism of the site,
   `GTEC.combobox(input, url, opts)`, here for two uses and in careers.js for a third.
   - input[data-autocomplete]: appellation search; a suggestion opens its occupation. Without JavaScript the
     forms submit to the search page.
   - input[data-fill-ac]: fills a plain text field with a commune (« Vannes (56) ») or occupations
     (« Serveur / Serveuse de restaurant (G1803) »; with data-fill-separator, several entries, each suggestion
     completing the last one). The server reads the same text without JavaScript.
   opts: query() the text to look up; detail(item) the small line; pick(item); optional listLabel, delay (ms),
   onResults(items) (e.g. to announce them), enterOpens (Enter with no suggestion chosen opens the list instead
   of submitting the form, when there are suggestions). */
window.GTEC = window.GTEC || {};
(function () {
  "use strict";
  function combobox(input, url, opts) {
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    list.id = listId; list.className = "ac-list"; list.setAttribute("role", "listbox"); list.hidden = true;
    if (opts.listLabel) { list.setAttribute("aria-label", opts.listLabel); }
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false"); input.setAttribute("aria-controls", listId);
    input.parentNode.appendChild(list);
    var timer = null, active = -1, items = [];
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
    function pick(item) { opts.pick(item); items = []; close(); }
    function render() {
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = item.label || item.libelle;
        var small = document.createElement("small"); small.textContent = opts.detail(item); li.appendChild(small);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0; input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) { input.setAttribute("aria-activedescendant", listId + "-" + active); } else { input.removeAttribute("aria-activedescendant"); }
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = opts.query();
      if (q.length < 2) { items = []; close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?limit=8&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (data) {
          if (opts.query() !== q) { return; }
          items = data.results; active = -1; render();
          if (opts.onResults) { opts.onResults(items); }
        }).catch(function () { close(); });
      }, opts.delay || 120);
    });
    input.addEventListener("keydown", function (e) {
      if (opts.enterOpens && e.key === "Enter" && (list.hidden || active < 0)) {
        if (items.length) { active = 0; render(); e.preventDefault(); }
        return;
      }
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, -1); render(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { pick(items[active]); e.preventDefault(); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  window.GTEC.combobox = combobox;
  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    combobox(input, input.getAttribute("data-autocomplete"), {
      query: function () { return input.value.trim(); },
      detail: function (item) { return item.code_rome + " · " + item.libelle_rome; },
      pick: function (item) { window.location.href = "/metiers/" + item.code_rome + "/?appellation=" + item.code_ogr; }
    });
  });
  document.querySelectorAll("input[data-fill-ac]").forEach(function (input) {
    var sep = input.getAttribute("data-fill-separator");
    function text(item) { return item.label || (item.libelle + " (" + item.code_rome + ")"); }
    combobox(input, input.getAttribute("data-fill-ac"), {
      listLabel: "Suggestions",
      query: function () {
        if (!sep) { return input.value.trim(); }
        var parts = input.value.split(sep.trim());
        return parts[parts.length - 1].trim();
      },
      detail: function (item) { return item.code_rome ? item.code_rome + " · " + item.libelle_rome : "département " + item.departement; },
      pick: function (item) {
        if (sep) {
          var parts = input.value.split(sep.trim()).map(function (p) { return p.trim(); });
          parts[parts.length - 1] = text(item);
          input.value = parts.filter(function (p) { return p; }).join(sep) + sep;
        } else { input.value = text(item); }
        input.focus();
      }
    });
  });
})();
/* Scrollable tables are reachable with the keyboard (a focusable region named by its caption or heading). */
(function () {
  "use strict";
  document.querySelectorAll(".scroll").forEach(function (box) {
    if (box.hasAttribute("tabindex")) { return; }
    box.setAttribute("tabindex", "0");
    if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      var caption = box.querySelector("caption");
      var section = box.closest("section, article");
      var heading = section ? section.querySelector("h2, h3") : null;
      var name = caption ? caption.textContent : (heading ? heading.textContent : "Tableau");
      box.setAttribute("aria-label", name.trim().replace(/\s+/g, " ") + " (défilant)");
    }
  });
})();
