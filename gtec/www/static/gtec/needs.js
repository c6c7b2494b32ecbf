/* Questionnaire of the needs survey: occupations (ROME appellation autocomplete), their skills from the
   fiche's ROME items, and autosave of the draft. Everything user-provided is written with textContent. */
(function () {
  "use strict";
  var form = document.getElementById("questionnaire");
  if (!form) { return; }
  var answer = JSON.parse(document.getElementById("answer-data").textContent);
  var lists = JSON.parse(document.getElementById("lists-data").textContent);
  var readonly = form.hasAttribute("data-readonly");
  var box = document.getElementById("metiers");
  var status = document.getElementById("autosave");
  var baseInput = document.getElementById("id_base_version");
  var itemsCache = {};
  var timer = null, inFlight = null, dirty = false;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function csrf() { return form.querySelector("input[name=csrfmiddlewaretoken]").value; }
  function num(input) { var v = input.value.trim(); return v === "" ? 0 : parseInt(v, 10) || 0; }
  function say(text) { if (status) { status.textContent = text; } }

  function numberField(block, label, value, field) {
    var l = el("label", {}, label + " ");
    var i = el("input", { type: "number", min: "0", "data-field": field });
    i.value = value || 0; l.appendChild(i); block.appendChild(l); return i;
  }

  function renderSkills(m, holder) {
    holder.textContent = "";
    var items = itemsCache[m.code_rome];
    if (!items) { holder.appendChild(el("p", { "class": "hint" }, "Chargement des compétences de la fiche…")); return; }
    var chosen = {};
    m.competences.forEach(function (c) { chosen[c] = true; });
    var list = el("ul", { "class": "skills-pick" });
    items.slice(0, 40).forEach(function (it) {
      var li = el("li");
      var l = el("label");
      var cb = el("input", { type: "checkbox", "data-skill": String(it.code_ogr) });
      if (readonly) { cb.disabled = true; }
      cb.checked = !!chosen[it.code_ogr];
      l.appendChild(cb); l.appendChild(document.createTextNode(" " + it.libelle));
      if (it.coeur === "Principale") { l.appendChild(el("span", { "class": "badge core" }, "cœur de métier")); }
      if (it.coeur === "Émergente") { l.appendChild(el("span", { "class": "badge emergent" }, "émergente")); }
      li.appendChild(l); list.appendChild(li);
      delete chosen[it.code_ogr];
    });
    Object.keys(chosen).forEach(function (code) {  // suggested skills outside the fiche's first items
      var li = el("li"), l = el("label"), cb = el("input", { type: "checkbox", "data-skill": code });
      if (readonly) { cb.disabled = true; }
      cb.checked = true; l.appendChild(cb); l.appendChild(document.createTextNode(" compétence ROME " + code));
      li.appendChild(l); list.appendChild(li);
    });
    holder.appendChild(list);
  }

  function loadItems(m, holder) {
    if (itemsCache[m.code_rome]) { renderSkills(m, holder); return; }
    fetch(form.getAttribute("data-items").replace("CODE", encodeURIComponent(m.code_rome)))
      .then(function (r) { return r.json(); })
      .then(function (data) { itemsCache[m.code_rome] = data.items; renderSkills(m, holder); })
      .catch(function () { holder.textContent = "Compétences indisponibles."; });
  }

  function renderMetier(m, index) {
    var fs = el("fieldset", { "class": "metier card", "data-index": String(index), "data-code-rome": m.code_rome });
    fs.appendChild(el("legend", {}, m.libelle + " (" + m.code_rome + ")"));
    var ages = el("div", { "class": "row ages" });
    ages.appendChild(el("span", {}, "Effectifs par âge : "));
    var inputs = {};
    lists.age_bands.forEach(function (b) { inputs[b[0]] = numberField(ages, b[1], m.effectifs[b[0]], "effectifs." + b[0]); });
    fs.appendChild(ages);
    var row = el("div", { "class": "row" });
    var dep = numberField(row, "Départs à remplacer d'ici 5 ans", m.departs_5ans, "departs_5ans");
    inputs["55_plus"].addEventListener("change", function () {
      if (!dep.dataset.touched) { dep.value = inputs["55_plus"].value; }
    });
    dep.addEventListener("input", function () { dep.dataset.touched = "1"; });
    numberField(row, "Recrutements prévus à 12 mois", m.recrutements_12m, "recrutements_12m");
    var cl = el("label", {}, "Contrat principal ");
    var sel = el("select", { "data-field": "contrat" });
    sel.appendChild(el("option", { value: "" }, "—"));
    lists.contracts.forEach(function (c) { var o = el("option", { value: c[0] }, c[1]); if (c[0] === m.contrat) { o.selected = true; } sel.appendChild(o); });
    cl.appendChild(sel); row.appendChild(cl);
    fs.appendChild(row);
    var dl = el("label", { "class": "choice" });
    var diff = el("input", { type: "checkbox", "data-field": "difficulte" });
    diff.checked = !!m.difficulte;
    dl.appendChild(diff); dl.appendChild(document.createTextNode(" Recrutement difficile"));
    fs.appendChild(dl);
    var reasons = el("fieldset", { "class": "reasons" });
    reasons.appendChild(el("legend", {}, "Pourquoi ?"));
    lists.reasons.forEach(function (r) {
      var l = el("label", { "class": "choice" }), cb = el("input", { type: "checkbox", "data-reason": r[0] });
      cb.checked = m.raisons.indexOf(r[0]) >= 0; l.appendChild(cb); l.appendChild(document.createTextNode(" " + r[1]));
      reasons.appendChild(l);
    });
    reasons.hidden = !diff.checked;
    diff.addEventListener("change", function () { reasons.hidden = !diff.checked; });
    fs.appendChild(reasons);
    fs.appendChild(el("h3", {}, "Compétences attendues d'ici 2 à 5 ans"));
    var skills = el("div", { "class": "skills-box" });
    fs.appendChild(skills);
    loadItems(m, skills);
    var fl = el("label", {}, "Autres compétences (texte libre) ");
    var free = el("input", { type: "text", "data-field": "competences_libres", size: "50" });
    free.value = m.competences_libres || "";
    fl.appendChild(free); fs.appendChild(fl);
    var sugg = el("button", { type: "button", "class": "secondary" }, "Proposer des compétences ROME");
    var out = el("ul", { "class": "suggestions", "aria-live": "polite" });
    sugg.addEventListener("click", function () {
      var url = form.getAttribute("data-suggest") + "?code_rome=" + encodeURIComponent(m.code_rome) + "&texte=" + encodeURIComponent(free.value);
      fetch(url).then(function (r) { return r.json(); }).then(function (data) {
        out.textContent = "";
        if (data.error) { out.appendChild(el("li", {}, data.error)); return; }
        if (!data.results.length) { out.appendChild(el("li", {}, "Aucune compétence ROME proche.")); }
        data.results.forEach(function (s) {
          var li = el("li"), b = el("button", { type: "button" }, "＋ " + s.libelle);
          b.addEventListener("click", function () {
            collect();
            var cur = answer.metiers[index];
            if (cur.competences.indexOf(s.code_ogr) < 0) { cur.competences.push(s.code_ogr); }
            render(); schedule();
          });
          li.appendChild(b); out.appendChild(li);
        });
      });
    });
    if (!readonly) { fs.appendChild(sugg); }
    fs.appendChild(out);
    if (!readonly) {
      var rm = el("button", { type: "button", "class": "secondary remove" }, "Retirer ce métier");
      rm.addEventListener("click", function () { collect(); answer.metiers.splice(index, 1); render(); schedule(); });
      fs.appendChild(rm);
    }
    return fs;
  }

  function render() {
    box.textContent = "";
    answer.metiers.forEach(function (m, i) { box.appendChild(renderMetier(m, i)); });
    if (readonly) { form.querySelectorAll("input, select, textarea, button").forEach(function (x) { x.disabled = true; }); }
  }

  function collect() {
    box.querySelectorAll("fieldset.metier").forEach(function (fs) {
      var m = answer.metiers[parseInt(fs.getAttribute("data-index"), 10)];
      fs.querySelectorAll("[data-field]").forEach(function (input) {
        var f = input.getAttribute("data-field");
        if (f.indexOf("effectifs.") === 0) { m.effectifs[f.slice(10)] = num(input); }
        else if (f === "difficulte") { m.difficulte = input.checked; }
        else if (f === "contrat" || f === "competences_libres") { m[f] = input.value; }
        else { m[f] = num(input); }
      });
      m.raisons = [];
      fs.querySelectorAll("[data-reason]").forEach(function (cb) { if (cb.checked) { m.raisons.push(cb.getAttribute("data-reason")); } });
      var skillBoxes = fs.querySelectorAll("[data-skill]");
      if (skillBoxes.length) {
        m.competences = [];
        skillBoxes.forEach(function (cb) { if (cb.checked) { m.competences.push(parseInt(cb.getAttribute("data-skill"), 10)); } });
      }
    });
    var eff = form.querySelector("#id_effectif").value.trim();
    answer.effectif = eff === "" ? null : parseInt(eff, 10);
    answer.moteurs = Array.prototype.map.call(form.querySelectorAll("input[name=moteurs]:checked"), function (x) { return x.value; });
    answer.formats = Array.prototype.map.call(form.querySelectorAll("input[name=formats]:checked"), function (x) { return x.value; });
    answer.besoins_formation = form.querySelector("#id_besoins_formation").value;
    answer.accueil = {
      immersion: form.querySelector("#id_immersion").checked,
      apprentis: num(form.querySelector("#id_apprentis")),
      stagiaires: num(form.querySelector("#id_stagiaires"))
    };
    var c = form.querySelector("input[name=consentement]:checked");
    answer.consentement = c ? c.value : "";
    return answer;
  }

  function save() {
    timer = null;
    if (inFlight) { dirty = true; return inFlight; }
    var body = JSON.stringify({ data: collect(), base_version: parseInt(baseInput.value, 10) || 0 });
    say("Enregistrement…");
    inFlight = fetch(form.getAttribute("data-autosave"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
    }).then(function (r) { return r.json().then(function (d) { return [r.status, d]; }); }).then(function (res) {
      var code = res[0], d = res[1];
      if (code === 200) {
        baseInput.value = d.version; document.getElementById("version").textContent = d.version;
        say("Brouillon enregistré automatiquement (version " + d.version + ").");
      } else { say(d.error || "Enregistrement impossible."); }
    }).catch(function () { say("Hors ligne : le brouillon sera enregistré plus tard."); })
      .then(function () { inFlight = null; if (dirty) { dirty = false; schedule(); } });
    return inFlight;
  }
  function schedule() { if (readonly) { return; } clearTimeout(timer); timer = setTimeout(save, 1200); }

  function addMetier(item) {
    collect();
    if (answer.metiers.some(function (m) { return m.code_ogr === item.code_ogr; })) { return; }
    var eff = {};
    lists.age_bands.forEach(function (b) { eff[b[0]] = 0; });
    answer.metiers.push({ code_ogr: item.code_ogr, code_rome: item.code_rome, libelle: item.libelle, effectifs: eff,
      departs_5ans: 0, recrutements_12m: 0, contrat: "", difficulte: false, raisons: [], competences: [], competences_libres: "" });
    render(); schedule();
  }

  (function autocomplete() {
    var input = document.getElementById("add-metier");
    if (!input) { return; }
    var list = el("ul", { id: "add-metier-list", "class": "ac-list", role: "listbox" });
    list.hidden = true; input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox"); input.setAttribute("aria-controls", "add-metier-list"); input.setAttribute("aria-expanded", "false");
    var t = null;
    input.addEventListener("input", function () {
      clearTimeout(t);
      var q = input.value.trim();
      if (q.length < 2) { list.hidden = true; return; }
      t = setTimeout(function () {
        fetch(form.getAttribute("data-appellations") + "?limit=8&q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (data) {
          list.textContent = "";
          data.results.forEach(function (item) {
            var li = el("li", { role: "option", tabindex: "-1" }, item.libelle);
            li.appendChild(el("small", {}, " " + item.code_rome + " · " + item.libelle_rome));
            li.addEventListener("mousedown", function (e) { e.preventDefault(); addMetier(item); input.value = ""; list.hidden = true; });
            list.appendChild(li);
          });
          list.hidden = !data.results.length; input.setAttribute("aria-expanded", data.results.length ? "true" : "false");
        });
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); var first = list.querySelector("li"); if (first) { first.dispatchEvent(new MouseEvent("mousedown")); } }
      if (e.key === "Escape") { list.hidden = true; }
    });
    input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
  })();

  form.addEventListener("input", function (e) { if (e.target.id !== "add-metier") { schedule(); } });
  form.addEventListener("change", function (e) { if (e.target.id !== "add-metier") { schedule(); } });
  form.addEventListener("submit", function (e) {
    clearTimeout(timer);
    var submitter = e.submitter;
    if (inFlight) {  // wait for the running autosave, so that the base version is the latest
      e.preventDefault();
      inFlight.then(function () { form.requestSubmit(submitter); });
      return;
    }
    document.getElementById("id_data").value = JSON.stringify(collect());
  });
  render();
})();
