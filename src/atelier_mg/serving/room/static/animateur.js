/* Page de l'animateur : participants connectés, questions, réponses en direct (vue Vega mise à jour sur place). */
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

  function showStep(e) {
    var line = document.querySelector(".etape-en-cours");
    if (!line) return;
    if (stepNow === e.index) return;
    stepNow = e.index;
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
  (function loop() { poll().then(function () { setTimeout(loop, cfg.intervalle); }); })();
})();
