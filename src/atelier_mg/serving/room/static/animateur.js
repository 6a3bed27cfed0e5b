/* Page de l'animateur : participants connectés, questions, réponses en direct (vue Vega mise à jour sur place),
   et le simulateur projeté, dont les curseurs changent la vue à projeter (pas les pages des participants). */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("salle-config").textContent);
  var specs = JSON.parse(document.getElementById("salle-specs").textContent);
  var views = {}, currentKind = null, lastKey = null;
  var box = document.querySelector(".graphique");
  var info = document.querySelector(".reponses-info");
  var reveal = document.querySelector(".reponse-attendue");

  function cookie(name) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  function post(path, body) {
    return fetch(cfg.api + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-XSRFToken": cookie("_xsrf") },
      body: JSON.stringify(body || {})
    }).then(function (r) { return r.json(); });
  }
  vega.formatLocale(cfg.locale);

  function viewFor(kind) {
    var name = kind === "nombre" ? "nombres" : "choix";
    if (currentKind !== name) {
      Object.keys(views).forEach(function (k) { views[k].container().hidden = k !== name; });
      currentKind = name;
    }
    if (!views[name]) {
      var holder = document.createElement("div");
      box.appendChild(holder);
      views[name] = new vega.View(vega.parse(specs[name]), { renderer: "svg", container: holder });
    }
    return views[name];
  }

  function rows(q, d) {
    if (q.type === "nombre") return d.valeurs.map(function (v) { return { valeur: v }; });
    var expected = q.revele ? [].concat(q.revele.reponse) : [];
    return d.comptes.map(function (c) { return { choix: c.choix, nombre: c.nombre, juste: expected.indexOf(c.choix) >= 0 }; });
  }

  var stepNow = null;
  function request(b) {
    var a = b.dataset.action;
    if (a === "suivante" || a === "precedente") return post("/etape", { sens: a === "suivante" ? 1 : -1 });
    if (a === "etape") return post("/etape", { index: Number(b.dataset.index) });
    return post("/" + a, { tableau: b.dataset.tableau, question: b.dataset.question });
  }
  document.querySelectorAll("[data-action]").forEach(function (b) {
    b.addEventListener("click", function () {
      b.disabled = true;
      request(b).then(poll, poll).then(function () { b.disabled = false; });
    });
  });

  /* The projected simulator: the step's one at the step's settings, then the facilitator's own moves, sent to the
     server (at most one request at a time, the latest values winning) for the projection to follow. */
  var sims = null, simViews = {}, shownSim = null, applying = false, sending = false, pending = false;
  var chooser = document.getElementById("simulateur-projete");
  var liveInfo = document.querySelector(".reglages-etat");
  function sliderNames(key) {
    return (sims[key].signals || []).filter(function (s) { return s.bind; }).map(function (s) { return s.name; });
  }
  function currentSettings(key, view) {
    var out = {};
    sliderNames(key).forEach(function (name) { out[name] = view.signal(name); });
    return out;
  }
  function send() {
    if (!shownSim || !simViews[shownSim]) return;
    if (sending) { pending = true; return; }
    sending = true; pending = false;
    var key = shownSim;
    simViews[key].then(function (view) { return post("/reglages", { simulateur: key, reglages: currentSettings(key, view) }); })
      .then(function (r) { liveInfo.textContent = r.ok ? "Vue à projeter à jour." : (r.erreur || "Réglages refusés."); },
        function () { liveInfo.textContent = "Connexion au serveur perdue ; les réglages seront renvoyés."; pending = true; })
      .then(function () { sending = false; if (pending) setTimeout(send, 50); });
  }
  function showProjected(key, settings, announce) {
    if (!sims || !sims[key]) return;
    shownSim = key;
    chooser.value = key;
    document.querySelectorAll(".simulateur-anime .simulateur").forEach(function (b) { b.hidden = b.dataset.spec !== key; });
    var box = document.querySelector('.simulateur-anime .simulateur[data-spec="' + key + '"]');
    if (!simViews[key]) {
      var view = new vega.View(vega.parse(sims[key]), { renderer: "svg", container: box, hover: true });
      simViews[key] = view.runAsync().then(function () {
        window.atelierNombres.frenchRanges(box);
        sliderNames(key).forEach(function (name) {
          view.addSignalListener(name, function () { if (!applying && shownSim === key) send(); });
        });
        box.setAttribute("data-rendu", "ok");
        return view;
      });
    }
    simViews[key].then(function (view) {
      applying = true;
      Object.keys(settings || {}).forEach(function (name) {
        try { view.signal(name, settings[name]); } catch (e) { /* not a setting of this simulator */ }
      });
      return view.runAsync().then(function () { applying = false; if (announce) send(); });
    });
  }
  chooser.addEventListener("change", function () { showProjected(chooser.value, null, true); });
  var pendingSim = null;
  function followStep(e) {
    if (e.type !== "simulateur") return;
    var key = e.tableau + "-" + e.simulateur;
    if (sims) showProjected(key, e.reglages, false); else pendingSim = { key: key, settings: e.reglages };
  }

  function showStep(e) {
    var line = document.querySelector(".etape-en-cours");
    if (!line) return;
    if (stepNow === e.index) return;
    stepNow = e.index;
    followStep(e);
    line.textContent = "Étape " + (e.index + 1) + " sur " + e.total + " : " + e.titre + (e.consigne ? " — " + e.consigne : "");
    document.querySelectorAll(".liste-etapes li").forEach(function (li) {
      var on = Number(li.dataset.etape) === e.index;
      li.classList.toggle("ouverte", on);
      if (on) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
    });
    var prev = document.querySelector("[data-action=precedente]"), next = document.querySelector("[data-action=suivante]");
    prev.hidden = e.index === 0; next.hidden = e.index === e.total - 1;
    document.body.setAttribute("data-etape", String(e.index));
  }

  function poll() {
    return fetch(cfg.api + "/etat", { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        document.querySelector(".compteur").textContent = s.participants + " / " + s.places;
        document.querySelector(".pret").textContent = s.pret ? "Salle prête" : "Préparation…";
        if (s.etape) showStep(s.etape);
        document.querySelectorAll(".liste-questions li").forEach(function (li) {
          li.classList.toggle("ouverte", !!s.question && li.dataset.cle === s.question.tableau + ":" + s.question.id);
        });
        var q = s.question;
        if (!q) {
          info.textContent = "Aucune question ouverte.";
          reveal.textContent = "";
          Object.keys(views).forEach(function (k) { views[k].container().hidden = true; });
          currentKind = null; lastKey = null;
          return;
        }
        var key = q.tableau + ":" + q.id;
        document.querySelector(".question-ouverte").textContent = q.enonce;
        info.textContent = s.distribution.repondants + " réponse(s) sur " + s.participants + " participant(s)"
          + (q.revele ? " — " + s.distribution.justes + " juste(s)" : "");
        var view = viewFor(q.type);
        view.change("reponses", vega.changeset().remove(function () { return true; }).insert(rows(q, s.distribution)));
        view.runAsync().then(function () { box.setAttribute("data-maj", key + ":" + s.distribution.repondants); });
        reveal.textContent = q.revele ? "Réponse attendue : " + [].concat(q.revele.reponse).join(" ; ")
          + ". " + q.revele.explication : "";
        lastKey = key;
      })
      .catch(function () { info.textContent = "Connexion au serveur perdue ; nouvelle tentative…"; });
  }
  var firstPoll = poll();
  firstPoll.then(function () { setTimeout(function loop() { poll().then(function () { setTimeout(loop, cfg.intervalle); }); }, cfg.intervalle); });
  /* At load (a reload during the session too): the step's simulator, or what the facilitator was projecting. */
  Promise.all([fetch(cfg.simulateurs, { credentials: "same-origin" }).then(function (r) { return r.json(); }), firstPoll])
    .then(function (done) {
      sims = done[0];
      return fetch(cfg.api + "/reglages", { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); });
    })
    .then(function (l) {
      var start = pendingSim || { key: chooser.value, settings: null };
      if (l.simulateur && sims[l.simulateur] && l.etape === stepNow) {
        start = { key: l.simulateur, settings: Object.assign({}, start.key === l.simulateur ? start.settings : {}, l.reglages) };
      }
      showProjected(start.key, start.settings, false);
    })
    .catch(function () { if (sims) showProjected(pendingSim ? pendingSim.key : chooser.value, pendingSim ? pendingSim.settings : null, false); });
})();
