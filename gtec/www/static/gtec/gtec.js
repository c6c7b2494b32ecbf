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
/* Suggestions that fill a plain text field (input[data-fill-ac]): a commune (« Vannes (56) ») or occupations
   (« Serveur / Serveuse de restaurant (G1803) »; with data-fill-separator, several entries, each suggestion
   completing the last one). The server reads the same text without JavaScript. ARIA combobox pattern. */
(function () {
  "use strict";
  function setup(input) {
    var url = input.getAttribute("data-fill-ac");
    var sep = input.getAttribute("data-fill-separator");
    var list = document.createElement("ul");
    var listId = input.id + "-suggestions";
    list.id = listId; list.className = "ac-list"; list.setAttribute("role", "listbox"); list.hidden = true;
    list.setAttribute("aria-label", "Suggestions");
    input.setAttribute("role", "combobox"); input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false"); input.setAttribute("aria-controls", listId);
    input.parentNode.appendChild(list);
    var timer = null, active = -1, items = [];
    function text(item) { return item.label || (item.libelle + " (" + item.code_rome + ")"); }
    function detail(item) { return item.code_rome ? item.code_rome + " · " + item.libelle_rome : "département " + item.departement; }
    function current() {
      if (!sep) { return input.value.trim(); }
      var parts = input.value.split(sep.trim());
      return parts[parts.length - 1].trim();
    }
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; input.removeAttribute("aria-activedescendant"); }
    function pick(item) {
      if (sep) {
        var parts = input.value.split(sep.trim()).map(function (p) { return p.trim(); });
        parts[parts.length - 1] = text(item);
        input.value = parts.filter(function (p) { return p; }).join(sep) + sep;
      } else { input.value = text(item); }
      items = []; close(); input.focus();
    }
    function render() {
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = item.label || item.libelle;
        var small = document.createElement("small"); small.textContent = detail(item); li.appendChild(small);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(item); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0; input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) { input.setAttribute("aria-activedescendant", listId + "-" + active); } else { input.removeAttribute("aria-activedescendant"); }
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = current();
      if (q.length < 2) { items = []; close(); return; }
      timer = setTimeout(function () {
        fetch(url + "?limit=8&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (data) {
          if (current() !== q) { return; }
          items = data.results; active = -1; render();
        }).catch(function () { close(); });
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, -1); render(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { pick(items[active]); e.preventDefault(); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.querySelectorAll("input[data-fill-ac]").forEach(setup);
})();
