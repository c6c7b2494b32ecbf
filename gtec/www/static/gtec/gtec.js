/* Progressive enhancement: appellation suggestions under any input[data-autocomplete].
   Without JavaScript the forms submit to the search page. ARIA combobox pattern, keyboard usable. */
(function () {
  "use strict";
  function setup(input) {
    var url = input.getAttribute("data-autocomplete");
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    list.id = listId; list.className = "ac-list"; list.setAttribute("role", "listbox"); list.hidden = true;
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false"); input.setAttribute("aria-controls", listId);
    input.parentNode.appendChild(list);
    var timer = null, active = -1, items = [];
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
    function go(item) { window.location.href = "/metiers/" + item.code_rome + "/?appellation=" + item.code_ogr; }
    function render() {
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = item.libelle;
        var small = document.createElement("small"); small.textContent = item.code_rome + " · " + item.libelle_rome; li.appendChild(small);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); go(item); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0; input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) { input.setAttribute("aria-activedescendant", listId + "-" + active); }
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { items = []; close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?limit=8&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (data) {
          if (input.value.trim() !== q) { return; }
          items = data.results; active = -1; render();
        }).catch(function () { close(); });
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, -1); render(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { go(items[active]); e.preventDefault(); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.querySelectorAll("input[data-autocomplete]").forEach(setup);
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
