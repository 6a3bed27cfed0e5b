/* Vue à projeter : l'étape en cours, son simulateur aux réglages de l'animateur, les réponses en direct,
   puis la réponse attendue et son explication ; QR code et code de la salle à la demande. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("salle-config").textContent);
  var distSpecs = JSON.parse(document.getElementById("salle-specs").textContent);
  var sims = null, simViews = {}, distViews = {}, shownStep = null, shownSim = null, shownSettings = null;
  var live = null, liveNumber = null, lastState = null;
  var stepBox = document.querySelector(".etape-projetee");
  var qBox = document.querySelector(".question-projetee");
  var graph = qBox.querySelector(".graphique");
  var french = window.atelierNombres.french, frenchRanges = window.atelierNombres.frenchRanges;
  vega.formatLocale(cfg.locale);

  var qrButton = document.querySelector("[data-action=qr]");
  var join = document.getElementById("rejoindre");
  qrButton.addEventListener("click", function () {
    join.hidden = !join.hidden;
    qrButton.setAttribute("aria-expanded", String(!join.hidden));
    qrButton.textContent = join.hidden ? "Afficher le QR code" : "Masquer le QR code";
  });


  function showSimulator(key, settings) {
    document.querySelectorAll(".simulateurs .simulateur").forEach(function (b) { b.hidden = b.dataset.spec !== key; });
    if (!key || !sims) return;
    var box = document.querySelector('.simulateurs .simulateur[data-spec="' + key + '"]');
    var ready = simViews[key];
    if (!ready) {
      var view = new vega.View(vega.parse(sims[key]), { renderer: "svg", container: box, hover: true });
      ready = simViews[key] = view.runAsync().then(function () { frenchRanges(box); box.setAttribute("data-rendu", "ok"); return view; });
    }
    ready.then(function (view) {
      Object.keys(settings || {}).forEach(function (name) {
        try { view.signal(name, settings[name]); } catch (e) { /* not a setting of this layout */ }
      });
      return view.runAsync();
    }).then(function () { box.setAttribute("data-reglages", JSON.stringify(settings || {})); });
  }

  function distView(kind) {
    var name = kind === "nombre" ? "nombres" : "choix";
    Object.keys(distViews).forEach(function (k) { distViews[k].container().hidden = k !== name; });
    if (!distViews[name]) {
      var holder = document.createElement("div");
      graph.appendChild(holder);
      distViews[name] = new vega.View(vega.parse(distSpecs[name]), { renderer: "svg", container: holder });
    }
    return distViews[name];
  }

  function rows(q, d) {
    if (q.type === "nombre") return d.valeurs.map(function (v) { return { valeur: v }; });
    var expected = q.revele ? [].concat(q.revele.reponse) : [];
    return d.comptes.map(function (c) { return { choix: c.choix, nombre: c.nombre, juste: expected.indexOf(c.choix) >= 0 }; });
  }

  function render(s) {
    var e = s.etape, q = s.question;
    stepBox.hidden = !e;
    if (e) {
      stepBox.querySelector(".numero").textContent = "Étape " + (e.index + 1) + " sur " + e.total;
      stepBox.querySelector(".titre").textContent = e.titre;
      stepBox.querySelector(".consigne").textContent = e.consigne || "";
      document.body.setAttribute("data-etape", String(e.index));
    }
    /* The simulator: the step's one at the facilitator's settings; without a programme, the one of the open
       question's dashboard (or the first). A question or a discussion takes the whole screen. */
    var key = null, settings = null;
    if (e && e.type === "simulateur") { key = e.tableau + "-" + e.simulateur; settings = e.reglages; }
    else if (!e && !q) { key = s.tableaux[0] + "-0"; }
    /* The facilitator's live moves (made during this step), over the step's settings; not while a question is open. */
    if (live && live.simulateur && !q && (e ? live.etape === e.index : true)) {
      if (live.simulateur !== key) settings = null;
      key = live.simulateur;
      settings = Object.assign({}, settings || {}, live.reglages);
    }
    var signature = JSON.stringify(settings || {});
    if (key !== shownSim || (e && e.index !== shownStep) || signature !== shownSettings) {
      showSimulator(key, settings); shownSim = key; shownSettings = signature;
    }
    shownStep = e ? e.index : null;

    qBox.hidden = !q;
    if (!q) return;
    qBox.querySelector(".enonce").textContent = q.enonce;
    var d = s.distribution;
    qBox.querySelector(".reponses-info").textContent = d.repondants + " réponse(s) sur " + s.participants
      + " participant(s)" + (q.revele ? " — " + d.justes + " juste(s) (" + (d.repondants ? Math.round(100 * d.justes / d.repondants) : 0) + " %)" : "");
    var view = distView(q.type);
    view.change("reponses", vega.changeset().remove(function () { return true; }).insert(rows(q, d)));
    view.runAsync().then(function () { graph.setAttribute("data-maj", q.tableau + ":" + q.id + ":" + d.repondants); });
    var rev = qBox.querySelector(".revelation");
    rev.hidden = !q.revele;
    if (q.revele) {
      var answer = [].concat(q.revele.reponse).map(function (a) { return typeof a === "number" ? french.format(a) : a; }).join(" ; ");
      rev.querySelector(".reponse").textContent = "Réponse attendue : " + answer;
      rev.querySelector(".explication").textContent = q.revele.explication;
    }
  }

  function poll() {
    return fetch(cfg.api + "/etat", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) { lastState = s; render(s); })
      .catch(function () { /* next round */ });
  }
  /* The facilitator's sliders: a long request answered as soon as they move (or after 20 s), as the participants'
     pages follow the steps. */
  function followLive() {
    var failed = false;
    fetch(cfg.api + "/reglages" + (liveNumber === null ? "" : "?numero=" + liveNumber), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (l) {
        liveNumber = l.numero;
        live = l;
        if (lastState) render(lastState);
      })
      .catch(function () { failed = true; liveNumber = null; })
      .then(function () { setTimeout(followLive, failed ? cfg.intervalle : 10); });
  }
  fetch(cfg.simulateurs, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (j) { sims = j; shownSim = null; })
    .then(function () {
      (function loop() { poll().then(function () { setTimeout(loop, cfg.intervalle); }); })();
      followLive();
    });
})();
