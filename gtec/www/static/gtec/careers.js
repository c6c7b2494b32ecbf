/* Career paths, progressive enhancement of plain forms (they all work without this file).
   - input[data-careers-ac]: the site's combobox (GTEC.combobox, gtec.js); picking a suggestion adds a chip with a hidden input
     (data-careers-name) on the start page, or a checked checkbox in the list data-careers-target on the
     review page; each change is announced in #careers-live (aria-live).
   - [data-print]: a print button. */
(function () {
  "use strict";
  var live = document.getElementById("careers-live");
  function say(msg) { if (live) { live.textContent = ""; setTimeout(function () { live.textContent = msg; }, 50); } }

  function addChip(input, item) {
    var name = input.getAttribute("data-careers-name");
    var list = document.getElementById(input.id + "-picked");
    var form = input.form;
    if (form.querySelector("input[type=hidden][name='" + name + "'][value='" + item.code_ogr + "']")) { say(item.libelle + " est déjà choisi."); return; }
    var li = document.createElement("li");
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = name; hidden.value = item.code_ogr;
    var text = document.createElement("span"); text.textContent = item.libelle;
    var remove = document.createElement("button");
    remove.type = "button"; remove.textContent = "×";
    remove.setAttribute("aria-label", "Retirer " + item.libelle);
    remove.addEventListener("click", function () { li.remove(); say(item.libelle + " retiré."); input.focus(); });
    li.appendChild(text); li.appendChild(hidden); li.appendChild(remove);
    list.appendChild(li);
    say(item.libelle + " ajouté.");
  }

  function addCheck(input, item) {
    var list = document.getElementById(input.getAttribute("data-careers-target"));
    var existing = document.getElementById("c-" + item.code_ogr);
    if (existing) { existing.checked = true; say(item.libelle + " est coché."); return; }
    var li = document.createElement("li");
    var box = document.createElement("input");
    box.type = "checkbox"; box.name = "c"; box.value = item.code_ogr; box.id = "c-" + item.code_ogr; box.checked = true;
    var label = document.createElement("label");
    label.htmlFor = box.id; label.textContent = " " + item.libelle;
    li.appendChild(box); li.appendChild(label); list.appendChild(li);
    var group = document.getElementById("added-group"); if (group) { group.hidden = false; }
    say(item.libelle + " ajoutée. " + document.querySelectorAll("input[name=c]:checked").length + " compétences retenues.");
  }

  function setup(input) {
    window.GTEC.combobox(input, input.getAttribute("data-careers-ac"), {
      delay: 150,
      enterOpens: true, // Enter in a search box must not submit the whole step: it opens the suggestions
      query: function () { return input.value.trim(); },
      detail: function (item) { return item.code_rome ? item.code_rome + " · " + item.libelle_rome : (item.type || ""); },
      onResults: function (items) {
        say(items.length ? items.length + " suggestions, flèches haut et bas pour choisir." : "Aucune suggestion.");
      },
      pick: function (item) {
        if (input.hasAttribute("data-careers-target")) { addCheck(input, item); } else { addChip(input, item); }
        input.value = "";
      }
    });
  }
  // gtec.js (GTEC.combobox) comes later in the page: both are deferred, so both have run by DOMContentLoaded.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-careers-ac]").forEach(setup);
  });
  document.querySelectorAll("[data-print]").forEach(function (b) { b.hidden = false; b.addEventListener("click", function () { window.print(); }); });
  document.querySelectorAll(".share-url").forEach(function (i) { i.addEventListener("focus", function () { i.select(); }); });
})();
/* The free text stays in this browser tab (sessionStorage), never on the server: coming back with
   « Modifier ma description » finds it as it was typed. */
(function () {
  "use strict";
  var box = document.getElementById("texte");
  if (!box || !window.sessionStorage) { return; }
  var key = "gtec-parcours-texte";
  try {
    if (!box.value && sessionStorage.getItem(key)) { box.value = sessionStorage.getItem(key); }
    box.addEventListener("input", function () { sessionStorage.setItem(key, box.value); });
  } catch (e) { /* storage refused: nothing kept */ }
})();
/* « Tout décocher / tout cocher » per group of skills (hidden without JavaScript). */
(function () {
  "use strict";
  document.querySelectorAll(".skill-group .group-toggle").forEach(function (bar) {
    bar.hidden = false;
    bar.querySelectorAll("[data-check-group]").forEach(function (button) {
      button.addEventListener("click", function () {
        var on = button.getAttribute("data-check-group") === "on";
        bar.closest(".skill-group").querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = on; });
      });
    });
  });
})();
