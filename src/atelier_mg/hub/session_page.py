"""La page « Séance de TP » des enseignants (``/services/salle/seance``) : ouvrir, suivre et fermer une séance.

The handlers are mounted in the teachers' service (``room_service.make_app``), behind the same hub login and the
same teachers-only check; the work itself is ``session.Session``. The page follows the starts without reloading
(a small script reads ``seance/etat`` every two seconds); without JavaScript, « Actualiser » does the same.
"""

from __future__ import annotations

import html
import json
import time

from .session import MINUTES, Session

SCRIPT = """<script>
(function () {
  var table = document.getElementById('seance-internes');
  if (!table) return;
  function tick() {
    // JupyterHub ignores the login cookie of a script's request without the xsrf token
    fetch(location.pathname.replace(/\\/?$/, '/') + 'etat',
          {credentials: 'same-origin', headers: {'X-XSRFToken': table.dataset.xsrf}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) return;
        if (!s.ouverte) { location.reload(); return; }
        s.internes.forEach(function (e) {
          var cell = document.getElementById('etat-' + e.id);
          if (cell) cell.textContent = e.libelle + (e.raison ? ' : ' + e.raison : '');
        });
        document.getElementById('seance-compte').textContent = s.phrase;
      });
  }
  setInterval(tick, 2000);
})();
</script>"""


def sentence(state: dict) -> str:
    c = state["compte"]
    return (f"{c['pret']} prêt(s), {c['demarrage']} en démarrage, {c['attente']} en attente, {c['echec']} en échec, "
            f"sur {len(state['internes'])}.")


def body(handler, session: Session, error: str = "") -> str:
    parts = ["<h2>Séance de TP</h2>"]
    if error:
        parts.append(f"<p class='erreur' role='alert'>{html.escape(error)}</p>")
    state = session.summary()
    state["phrase"] = sentence(state) if state["ouverte"] else ""
    if state["ouverte"]:
        end = time.strftime("%H:%M", time.localtime(state["fin"]))
        parts.append(f"<p>Séance ouverte par {html.escape(state['enseignant'])} ; ses JupyterLab seront arrêtés à "
                     f"{end} (heure du serveur). Les internes qui se connectent trouvent le leur déjà démarré.</p>"
                     f"<p id='seance-compte' role='status'>{html.escape(state['phrase'])}</p>"
                     f"<table id='seance-internes' data-xsrf='{html.escape(_token(handler))}'><thead><tr>"
                     "<th scope='col'>Interne</th><th scope='col'>Identifiant</th><th scope='col'>État</th></tr>"
                     "</thead><tbody>")
        for e in state["internes"]:
            shown = e["libelle"] + (f" : {e['raison']}" if e["raison"] else "")
            parts.append(f"<tr><td>{html.escape(e['nom'])}</td><td>{html.escape(e['id'])}</td>"
                         f"<td id='etat-{html.escape(e['id'])}'>{html.escape(shown)}</td></tr>")
        parts.append("</tbody></table><p><a href=''>Actualiser</a></p>"
                     f"<form method='post'>{handler.xsrf_form_html()}<input type='hidden' name='action' value='fermer'>"
                     "<button type='submit'>Fermer la séance</button> (arrête ces JupyterLab ; les fichiers des "
                     "internes restent)</form>" + SCRIPT)
    else:
        roster = session.roster()
        parts.append(
            "<p>Démarre d'avance le JupyterLab de chaque interne de la séance : à leur arrivée, ils le trouvent prêt. "
            "Ils sont arrêtés à la fin de la séance (ou quand vous la fermez) ; leurs fichiers restent.</p>"
            f"<form method='post'>{handler.xsrf_form_html()}<input type='hidden' name='action' value='ouvrir'>"
            "<fieldset><legend>Internes de la séance</legend>"
            f"<label><input type='radio' name='groupe' value='tous' checked> Toute la promotion ({len(roster)} "
            "internes)</label><label><input type='radio' name='groupe' value='liste'> Ces internes :</label>"
            "<label for='identifiants'>Identifiants (séparés par des espaces, virgules ou retours à la ligne)</label>"
            "<textarea id='identifiants' name='identifiants' rows='4' cols='50'></textarea></fieldset>"
            f"<label>Durée de la séance (minutes) <input type='number' name='minutes' value='180' min='{MINUTES[0]}' "
            f"max='{MINUTES[1]}'></label><button type='submit'>Ouvrir la séance</button></form>")
    if state["relances"]:
        done = sum(e["etat"] == "pret" for e in state["relances"])
        parts.append(f"<p>Après le redémarrage du hub : {done} JupyterLab relancé(s) sur {len(state['relances'])}"
                     f" ({html.escape(', '.join(e['id'] for e in state['relances']))}).</p>")
    parts.append("<p><a href='.'>Salle de DPC</a></p>")
    return "".join(parts)


def _token(handler) -> str:
    token = handler.xsrf_token
    return token.decode() if isinstance(token, bytes) else str(token)


def handlers(prefix: str, session: Session, base: type) -> list:
    """Routes of the session page; ``base`` is the teachers' handler (login, teachers-only, French errors)."""
    import tornado.web

    class SessionPage(base):
        @tornado.web.authenticated
        def get(self):
            self.teacher()
            self.finish(self.page(body(self, session)))

        @tornado.web.authenticated
        async def post(self):
            teacher = self.teacher()
            if self.get_argument("action", "") == "fermer":
                await session.close()
                return self.finish(self.page(body(self, session)))
            try:
                try:
                    minutes = int(self.get_argument("minutes", "180"))
                except ValueError:
                    raise ValueError("Durée de la séance : un nombre entier de minutes est attendu.") from None
                names = session.group(self.get_argument("groupe", "tous") == "tous",
                                      self.get_argument("identifiants", ""))
                await session.start(teacher, names, minutes)
            except ValueError as exc:
                self.set_status(400)
                return self.finish(self.page(body(self, session, str(exc))))
            self.finish(self.page(body(self, session)))

    class SessionState(base):
        @tornado.web.authenticated
        def get(self):
            self.teacher()
            state = session.summary()
            state["phrase"] = sentence(state) if state["ouverte"] else ""
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(json.dumps(state, ensure_ascii=False))

    return [(prefix + "seance", SessionPage), (prefix + "seance/etat", SessionState)]
