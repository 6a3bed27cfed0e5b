/* Page du participant : les simulateurs calculés dans la page (Vega), la question ouverte, sans noyau. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("salle-config").textContent);
  var etat = document.querySelector(".etat");
  var zone = document.getElementById("question");
  var stepZone = document.getElementById("etape");
  var shownKey = null, shownRevealed = false, sending = false, stopped = false;
  var version = null, shownStep = null, pendingStep = null, ready = false;

  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function post(path, body) {
    return fetch(cfg.api + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-XSRFToken": cookie("_xsrf") },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json().then(function (j) { j.status = r.status; return j; }); });
  }

  /* Slider values in French: nombres.js, shared with the projection page. */
  var frenchRanges = window.atelierNombres.frenchRanges;

  /* Simulators: the book's Vega-Lite specs, compiled to Vega on the server (one cached file); inputs update
     the view in place, without the server. */
  vega.formatLocale(cfg.locale);
  var narrow = window.matchMedia("(max-width: 600px)").matches;
  function draw(specs) {
    var runs = Array.prototype.map.call(document.querySelectorAll(".simulateur"), function (box) {
      var id = (narrow && box.dataset.specEtroit) || box.dataset.spec;  /* the phone layout when there is one */
      var view = new vega.View(vega.parse(specs[id]), { renderer: "svg", container: box, hover: true });
      box.vegaView = view;
      return view.runAsync().then(function () { frenchRanges(box); box.setAttribute("data-rendu", "ok"); },
        function (err) { box.setAttribute("data-rendu", "erreur"); box.textContent = "Le simulateur n'a pas pu s'afficher (" + err.message + ")."; });
    });
    return Promise.all(runs);
  }

  /* Tabs between the room's dashboards. */
  var tabs = document.querySelectorAll(".onglets button");
  function showTab(id) {
    tabs.forEach(function (o) { o.setAttribute("aria-selected", String(o.getAttribute("aria-controls") === id)); });
    document.querySelectorAll(".tableau").forEach(function (s) { s.hidden = s.id !== id; });
  }
  tabs.forEach(function (b) {
    b.addEventListener("click", function () { showTab(b.getAttribute("aria-controls")); });
  });

  /* A programme step: the facilitator's simulator and settings, or a discussion prompt. The participant can
     move the sliders freely afterwards: the settings are applied once, when the step changes. */
  function applyStep(step) {
    shownStep = step.index;
    stepZone.hidden = false;
    stepZone.innerHTML = "";
    var kinds = { simulateur: "Simulateur", question: "Question", pause: "Discussion" };
    stepZone.appendChild(el("p", { "class": "numero" }, "Étape " + (step.index + 1) + " sur " + step.total + " · " + kinds[step.type]));
    stepZone.appendChild(el("h2", {}, step.titre));
    if (step.consigne) stepZone.appendChild(el("p", { "class": "consigne" }, step.consigne));
    document.body.setAttribute("data-etape", String(step.index));
    if (!step.tableau) return;
    showTab("t-" + step.tableau);
    if (step.type !== "simulateur") return;
    var box = document.querySelector('.simulateur[data-spec="' + step.tableau + "-" + step.simulateur + '"]');
    if (!box || !box.vegaView) return;
    var view = box.vegaView;
    Object.keys(step.reglages || {}).forEach(function (name) {
      try { view.signal(name, step.reglages[name]); } catch (e) { /* a setting the phone layout does not have */ }
    });
    view.runAsync();
    box.scrollIntoView({ block: "nearest" });
  }

  function feedback(text, ok) {
    var p = zone.querySelector(".retour");
    if (!p) return;
    p.textContent = text;
    p.className = "retour " + (ok ? "ok" : "erreur");
  }

  function renderQuestion(q, mine) {
    zone.innerHTML = "";
    zone.hidden = false;
    zone.appendChild(el("h2", {}, "Question"));
    var form = el("form", { "class": "formulaire" });
    var fs = el("fieldset");
    fs.appendChild(el("legend", {}, q.enonce));
    if (q.vignette) fs.appendChild(el("p", { "class": "vignette" }, q.vignette));
    fs.appendChild(el("p", { "class": "consigne" }, "Réponse attendue : " + q.consigne + "."));
    if (q.type === "nombre") {
      var label = el("label", { "for": "reponse-nombre" }, "Votre réponse" + (q.unite ? " (" + q.unite + ")" : "") + " : ");
      var input = el("input", { type: "text", id: "reponse-nombre", name: "valeur", inputmode: "decimal", autocomplete: "off" });
      if (mine !== null && mine !== undefined) input.value = String(mine).replace(".", ",");
      fs.appendChild(label); fs.appendChild(input);
    } else {
      var multiple = q.type === "choix_multiples";
      q.choix.forEach(function (c, i) {
        var id = "choix-" + i;
        var lab = el("label", { "class": "choix", "for": id });
        var inp = el("input", { type: multiple ? "checkbox" : "radio", name: "valeur", id: id, value: c });
        if (mine !== null && mine !== undefined && (multiple ? mine.indexOf(c) >= 0 : mine === c)) inp.checked = true;
        lab.appendChild(inp); lab.appendChild(document.createTextNode(c));
        fs.appendChild(lab);
      });
    }
    form.appendChild(fs);
    var button = el("button", { type: "submit", "class": "envoyer" }, "Envoyer ma réponse");
    form.appendChild(button);
    form.appendChild(el("p", { "class": "retour", role: "status", "aria-live": "polite" }));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (sending) return;
      var value;
      if (q.type === "nombre") value = form.querySelector("input[name=valeur]").value;
      else if (q.type === "choix_multiples") value = Array.prototype.map.call(form.querySelectorAll("input:checked"), function (i) { return i.value; });
      else { var c = form.querySelector("input:checked"); value = c ? c.value : null; }
      sending = true; button.disabled = true;
      post("/reponse", { tableau: q.tableau, question: q.id, valeur: value }).then(function (r) {
        if (r.ok) feedback("Réponse enregistrée. Vous pouvez la modifier tant que la question est ouverte.", true);
        else feedback(r.erreur || "Réponse refusée.", false);
      }, function () { feedback("Le serveur ne répond pas : vérifiez le Wi-Fi puis renvoyez votre réponse.", false); })
        .then(function () { sending = false; button.disabled = false; });
    });
    zone.appendChild(form);
  }

  function renderReveal(rev, mine) {
    var box = zone.querySelector(".revelation") || zone.appendChild(el("div", { "class": "revelation" }));
    box.innerHTML = "";
    var answer = Array.isArray(rev.reponse) ? rev.reponse.join(" ; ") : String(rev.reponse).replace(".", ",");
    if (rev.tolerance) answer += " (à " + String(rev.tolerance).replace(".", ",") + " près)";
    box.appendChild(el("p", {}, "Réponse attendue : " + answer));
    box.appendChild(el("p", {}, rev.explication));
    if (rev.source) box.appendChild(el("p", { "class": "source" }, "Source : " + rev.source));
    if (mine !== null && mine !== undefined) box.appendChild(el("p", { "class": rev.juste ? "retour ok" : "retour erreur" },
      rev.juste ? "Votre réponse est juste." : "Votre réponse diffère de la réponse attendue."));
    zone.querySelectorAll("input, button").forEach(function (i) { i.disabled = true; });
  }

  function full() {
    stopped = true;
    document.body.classList.add("complet");
    etat.textContent = "Salle complète : toutes les places sont prises. Demandez à l'animateur.";
  }

  /* Long polling: the server answers as soon as the facilitator changes something (step, question), or after
     20 s with nothing new; the page then asks again at once. */
  function poll() {
    if (stopped) return;
    var failed = false;
    fetch(cfg.api + "/etat" + (version === null ? "" : "?version=" + version), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.rejoindre) {
          version = null;
          return post("/rejoindre").then(function (r) { if (r.complet) full(); });
        }
        version = s.version;
        if (s.etape && s.etape.index !== shownStep) { if (ready) applyStep(s.etape); else pendingStep = s.etape; }
        etat.textContent = s.question ? "Une question est ouverte." : "Manipulez le simulateur ; les questions de l'animateur apparaîtront ici.";
        var q = s.question;
        var key = q ? q.tableau + ":" + q.id : null;
        if (key !== shownKey) {
          shownKey = key; shownRevealed = false;
          if (q) renderQuestion(q, s.ma_reponse); else { zone.hidden = true; zone.innerHTML = ""; }
        }
        if (q && s.revele && !shownRevealed) { shownRevealed = true; renderReveal(s.revele, s.ma_reponse); }
      })
      .catch(function () { failed = true; version = null; etat.textContent = "Connexion au serveur perdue ; nouvelle tentative…"; })
      .then(function () { if (!stopped) setTimeout(poll, failed ? cfg.intervalle : 30); });
  }
  fetch(cfg.simulateurs, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(draw)
    .then(function () { ready = true; if (pendingStep) applyStep(pendingStep); },
      function () { etat.textContent = "Les simulateurs n'ont pas pu être chargés : rechargez la page."; });
  poll();

  window.addEventListener("pagehide", function () {
    var data = new FormData();
    data.append("_xsrf", cookie("_xsrf"));
    if (navigator.sendBeacon) navigator.sendBeacon(cfg.api + "/quitter", data);
  });
})();
