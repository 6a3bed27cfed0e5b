"""Interfaces ipywidgets du carnet : l'application de l'interne et le tableau de bord de bilan de stage.

Thin layers over :mod:`.model` (the carnet file), :mod:`.analysis`, :mod:`.charts` and :mod:`.export`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from pathlib import Path

import ipywidgets as w

from ..core import privacy, ui
from . import analysis, export
from . import charts as cc
from . import model as cm

WIDE = {"description_width": "11em"}


_alert = ui.message


def _options(kind: str, label: str = "libelle_court", grid: str = cm.DEFAULT_GRID) -> list[tuple[str, str]]:
    table = cm.referentials(grid)[kind]
    return [(f"{row.code} — {getattr(row, label)}", row.code) for row in table.itertuples()]


def _level_options(blank: str = "non évalué") -> list[tuple[str, str | None]]:
    return [(blank, None)] + [(row.niveau, row.code) for row in cm.referentials()["niveaux"].itertuples()]


KEYBOARD_HELP = (
    "<p class='atelier-aide-clavier'><strong>Au clavier :</strong> Tab et Maj+Tab passent d'un champ à l'autre ; "
    "les flèches changent le choix d'une liste ou de la grille ; dans les listes Familles et Compétences, "
    "Ctrl+clic ou Maj+flèches ajoutent un élément au choix ; Entrée ou Espace actionnent un bouton. Les "
    "onglets se parcourent avec les flèches une fois l'un d'eux sélectionné.</p>"
)

GRID_NOTES = {
    "cnge": "Grille du CNGE : celle du portfolio et des bilans de stage de la plupart des DMG. Les descriptions "
            "courtes des niveaux sont celles d'Atelier MG ; référez-vous aux indicateurs de votre DMG.",
    "cmg2025": "Grille du référentiel de 2025 : les niveaux novice, intermédiaire et compétent n'ont pas de "
               "descripteurs officiels pour ces huit compétences (transposition d'Atelier MG). Votre DES est "
               "évalué sur la grille du CNGE.",
}


def grid_selector(value: str) -> w.RadioButtons:
    """The choice of competency grid, in French, usable with the keyboard (arrow keys)."""
    return w.RadioButtons(
        options=[(label, code) for code, label in cm.GRIDS.items()], value=value,
        description="Grille de compétences", style={"description_width": "initial"}, layout=w.Layout(width="auto"),
    ).add_class("atelier-grille-choix")


class AssessmentForm:
    """One dropdown per competency of the carnet's grid, for one rater."""

    def __init__(self, rater: str, grid: str = cm.DEFAULT_GRID):
        self.rater = rater
        self.save = w.Button(description="Enregistrer l'évaluation", button_style="primary", icon="check")
        self.save.add_class(f"atelier-enregistrer-{rater}")
        self.box = w.VBox()
        self.set_grid(grid)

    def set_grid(self, grid: str) -> None:
        self.grid = grid
        self.dropdowns = {
            code: w.Dropdown(options=_level_options(), description=label, style=WIDE, layout=w.Layout(width="30em"))
            for label, code in _options("competences", "competence", grid)
        }
        for code, dd in self.dropdowns.items():
            dd.add_class(f"atelier-eval-{self.rater}-{code}")
        note = w.HTML(f"<p class='atelier-note'>{html.escape(GRID_NOTES[grid])}</p>")
        self.box.children = [w.HTML(f"<h4>{cm.RATERS[self.rater]}</h4>"), note, *self.dropdowns.values(), self.save]

    def load(self, carnet: cm.Carnet) -> None:
        if carnet.grille != self.grid:
            self.set_grid(carnet.grille)
        levels = carnet.evaluations.get(self.rater, {}).get("niveaux", {})
        for code, dd in self.dropdowns.items():
            dd.value = levels.get(code)

    def values(self) -> dict[str, str | None]:
        return {code: dd.value for code, dd in self.dropdowns.items()}


class SynthesisView:
    """Radar, gaps, coverage grid and what has not been met yet."""

    def __init__(self):
        self.radar = w.Output().add_class("atelier-radar")
        self.radar_text = w.HTML().add_class("atelier-radar-texte")
        self.gaps = w.HTML().add_class("atelier-ecarts")
        self.grid = w.Output().add_class("atelier-grille")
        self.missing = w.HTML().add_class("atelier-non-rencontre")
        self.box = w.VBox([
            w.HTML("<h3>Auto-évaluation et évaluation du MSU</h3>"), self.radar, self.radar_text, self.gaps,
            w.HTML("<h3>Grille de synthèse</h3>"), self.grid, self.missing,
        ])

    def show(self, carnet: cm.Carnet) -> None:
        table, grid = analysis.assessment_table(carnet), analysis.coverage(carnet)
        ui.show_chart(self.radar, cc.radar_chart(table))
        self.radar_text.value = export.assessment_html(table)
        self.gaps.value = "<h4>Écarts et compétences à évaluer</h4>" + export.gaps_html(table)
        ui.show_chart(self.grid, cc.coverage_chart(grid))
        missing = export.missing_html(grid)
        self.missing.value = ("<h4>Familles de situations pas encore rencontrées</h4>" + missing["familles"]
                              + "<h4>Compétences pas encore mobilisées dans une trace</h4>" + missing["competences"])


def _trace_label(t: cm.Trace) -> str:
    start = t.recit[:50] + ("…" if len(t.recit) > 50 else "")
    return f"{t.date} — S{t.semestre} — {start}"


def carnet_app(path: str | Path = cm.DEFAULT_FILENAME) -> w.Widget:
    """The intern's carnet, stored in ``path`` (in the working folder by default)."""
    status = w.HTML().add_class("atelier-message")
    try:
        carnet = cm.Carnet.open(path)
    except cm.CarnetError as exc:
        status.value = _alert(f"{exc} Le fichier n'a pas été modifié ; corrigez-le ou choisissez un autre fichier.")
        return w.VBox([status])

    # -- trace form --
    choose = w.Dropdown(description="Trace", style=WIDE, layout=w.Layout(width="48em")).add_class("atelier-choix-trace")
    date = w.DatePicker(description="Date", value=dt.date.today(), style=WIDE).add_class("atelier-date")
    stage = w.Dropdown(options=cm.STAGE_TYPES, description="Stage", style=WIDE, layout=w.Layout(width="48em"))
    semestre = w.Dropdown(options=list(cm.SEMESTERS), description="Semestre", style=WIDE)
    recit = w.Textarea(
        description="Récit", placeholder="Décrivez la situation sans donnée identifiante (âge, sexe, contexte).",
        style=WIDE, layout=w.Layout(width="48em", height="10em"),
    ).add_class("atelier-recit")
    familles = w.SelectMultiple(options=_options("familles"), description="Familles", style=WIDE,
                                layout=w.Layout(width="48em", height="14em")).add_class("atelier-familles")
    competences = w.SelectMultiple(options=_options("competences", "competence", carnet.grille), description="Compétences",
                                   style=WIDE, layout=w.Layout(width="48em", height="11em")).add_class("atelier-competences")
    niveau = w.Dropdown(options=_level_options()[1:], description="Niveau atteint", style=WIDE)
    save = w.Button(description="Enregistrer", button_style="primary", icon="save",
                    tooltip="Enregistrer la trace dans le carnet").add_class("atelier-enregistrer")
    maskb = w.Button(description="Masquer les données identifiantes", icon="user-secret",
                     tooltip="Remplacer les numéros, dates complètes, téléphones et courriels repérés dans le récit")
    maskb.add_class("atelier-masquer")
    delete = w.Button(description="Supprimer cette trace", button_style="danger", icon="trash").add_class("atelier-supprimer")
    confirm = w.Checkbox(description="Je confirme la suppression", value=False, indent=False)

    assess = {rater: AssessmentForm(rater, carnet.grille) for rater in cm.RATERS}
    grid = grid_selector(carnet.grille)
    synthesis = SynthesisView()
    listing = w.HTML().add_class("atelier-liste-traces")
    folder = w.Text(value=export.DEFAULT_FOLDER, description="Dossier d'export", style=WIDE,
                    placeholder="nom d'un dossier créé à côté du carnet")
    export_btn = w.Button(description="Exporter pour le portfolio", icon="download").add_class("atelier-exporter")
    export_out = w.HTML()
    intern = w.Text(value=carnet.interne, description="Interne (facultatif)", style=WIDE)

    def refresh(selected: str | None = None) -> None:
        choose.options = [("➕ Nouvelle trace", "")] + [(_trace_label(t), t.id) for t in carnet.traces]
        choose.value = selected if selected in [t.id for t in carnet.traces] else ""
        table = analysis.traces_table(carnet).drop(columns=["Identifiant"])
        remarks = "".join(f"<li>{html.escape(r)}</li>" for r in analysis.maquette_remarks(carnet))
        listing.value = (
            f"<p>{len(carnet.traces)} trace(s) enregistrée(s) dans <code>{html.escape(str(carnet.path))}</code>.</p>"
            + (f"<p><strong>À vérifier (maquette du DES de 2023) :</strong></p><ul>{remarks}</ul>" if remarks else "")
            + (table.to_html(index=False, border=0, classes="atelier-table") if len(table) else "")
        )
        for form in assess.values():
            form.load(carnet)
        synthesis.show(carnet)

    def load_trace(change) -> None:
        trace_id = change["new"]
        delete.disabled = not trace_id
        if not trace_id:
            recit.value, familles.value, competences.value = "", (), ()
            if tuple(stage.options) != cm.STAGE_TYPES:
                stage.options = cm.STAGE_TYPES
            date.value = dt.date.today()
            return
        t = carnet.get(trace_id)
        date.value = dt.date.fromisoformat(t.date)
        # A stage of the 2017 maquette stays selectable for the traces that carry it.
        stage.options = cm.STAGE_TYPES if t.stage in cm.STAGE_TYPES else (*cm.STAGE_TYPES, t.stage)
        stage.value, semestre.value, recit.value = t.stage, t.semestre, t.recit
        familles.value, competences.value, niveau.value = t.familles, t.competences, t.niveau

    def on_save(_) -> None:
        values = dict(date=date.value, stage=stage.value, semestre=semestre.value, recit=recit.value,
                      familles=list(familles.value), competences=list(competences.value), niveau=niveau.value)
        try:
            if choose.value:
                trace = carnet.update_trace(choose.value, **values)
                status.value = _alert("Trace modifiée et enregistrée.", ok=True)
            else:
                trace = carnet.add_trace(**values)
                status.value = _alert("Trace enregistrée.", ok=True)
        except cm.CarnetError as exc:
            status.value = _alert(f"{exc} Rien n'a été perdu : votre texte est toujours dans le formulaire.")
            return
        refresh(trace.id)

    def on_mask(_) -> None:
        recit.value = privacy.mask(recit.value)
        status.value = _alert("Données identifiantes repérées remplacées ; relisez le récit avant d'enregistrer.", ok=True)

    def on_delete(_) -> None:
        if not choose.value:
            return
        if not confirm.value:
            status.value = _alert("Cochez « Je confirme la suppression » pour supprimer cette trace.")
            return
        try:
            carnet.delete_trace(choose.value)
        except cm.CarnetError as exc:
            status.value = _alert(str(exc))
            return
        confirm.value = False
        status.value = _alert("Trace supprimée.", ok=True)
        refresh()

    def on_assess(rater: str):
        def handler(_) -> None:
            try:
                carnet.set_assessment(rater, assess[rater].values())
            except cm.CarnetError as exc:
                status.value = _alert(str(exc))
                return
            status.value = _alert(f"{cm.RATERS[rater]} enregistrée.", ok=True)
            synthesis.show(carnet)
        return handler

    def on_export(_) -> None:
        try:
            files = export.write_portfolio(carnet, export.portfolio_folder(carnet.path, folder.value))
        except (OSError, cm.CarnetError) as exc:
            export_out.value = _alert(f"Export impossible : {exc}")
            return
        export_out.value = "<p>Fichiers écrits :</p><ul>" + "".join(
            f"<li><code>{html.escape(str(p))}</code></li>" for p in files.values()
        ) + "</ul>"

    def on_grid(change) -> None:
        if change["new"] == carnet.grille:
            return
        try:
            carnet.set_grid(change["new"])
        except cm.CarnetError as exc:
            status.value = _alert(str(exc))
            grid.value = carnet.grille  # back to the grid the carnet still follows
            return
        competences.options = _options("competences", "competence", carnet.grille)
        status.value = _alert(f"Le carnet suit désormais : {cm.GRIDS[carnet.grille]}.", ok=True)
        refresh(choose.value or None)

    def on_intern(change) -> None:
        try:
            carnet.set_intern(change["new"])
        except cm.CarnetError as exc:
            status.value = _alert(str(exc))

    choose.observe(load_trace, names="value")
    save.on_click(on_save)
    maskb.on_click(on_mask)
    delete.on_click(on_delete)
    for rater, form in assess.items():
        form.save.on_click(on_assess(rater))
    export_btn.on_click(on_export)
    intern.observe(on_intern, names="value")
    grid.observe(on_grid, names="value")
    refresh()
    delete.disabled = True

    form = w.VBox([choose, date, stage, semestre, recit, familles, competences, niveau,
                   w.HBox([save, maskb]), w.HBox([delete, confirm]), w.HTML(KEYBOARD_HELP)])
    tabs = w.Tab(children=[
        form, listing, w.HBox([f.box for f in assess.values()]), synthesis.box,
        w.VBox([intern, folder, export_btn, export_out]),
    ])
    for i, title in enumerate(["Trace", "Mes traces", "Évaluations", "Synthèse", "Export"]):
        tabs.set_title(i, title)
    return w.VBox([status, grid, tabs])


def _download_link(content: bytes, filename: str, label: str, mime: str) -> str:
    b64 = base64.b64encode(content).decode("ascii")
    return (f"<a download='{html.escape(filename)}' href='data:{mime};base64,{b64}' "
            f"class='atelier-telecharger'>{html.escape(label)}</a>")


def review_app() -> w.Widget:
    """Stage review meeting (intern + MSU): load a carnet, see radar, grid and gaps, rate as MSU."""
    upload = w.FileUpload(accept=".json", multiple=False, description="Ouvrir un carnet").add_class("atelier-televerser")
    example = w.Button(description="Ouvrir le carnet d'exemple", icon="folder-open").add_class("atelier-exemple")
    status = w.HTML().add_class("atelier-message")
    header = w.HTML().add_class("atelier-entete")
    synthesis = SynthesisView()
    msu = AssessmentForm("msu")
    downloads = w.HTML().add_class("atelier-telechargements")
    content = w.VBox([header, synthesis.box, msu.box, downloads], layout=w.Layout(display="none"))
    state: dict[str, cm.Carnet] = {}

    def show(carnet: cm.Carnet, source: str) -> None:
        state["carnet"] = carnet
        who = html.escape(carnet.interne or "interne")
        header.value = f"<h3>Carnet : {who}</h3><p>{len(carnet.traces)} trace(s) — fichier : {html.escape(source)}</p>"
        msu.load(carnet)
        synthesis.show(carnet)
        update_downloads()
        content.layout.display = ""

    def update_downloads() -> None:
        carnet = state["carnet"]
        downloads.value = (
            "<p>" + _download_link(carnet.to_json().encode(), "carnet_competences.json",
                                   "Télécharger le carnet (avec l'évaluation du MSU)", "application/json")
            + " — " + _download_link(export.summary_html(carnet).encode(), "synthese_carnet.html",
                                     "Télécharger la synthèse imprimable", "text/html") + "</p>"
        )

    def on_upload(change) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        try:
            carnet = cm.Carnet.from_json(bytes(item["content"]))
        except cm.CarnetError as exc:
            status.value = _alert(f"{exc} Le carnet affiché précédemment est conservé.")
            return
        status.value = _alert(f"Carnet « {item['name']} » ouvert.", ok=True)
        show(carnet, item["name"])

    def on_example(_) -> None:
        show(cm.Carnet.open(cm.EXAMPLE).copy_to(None), "exemple fourni avec Atelier MG")
        status.value = _alert("Carnet d'exemple ouvert (traces fictives).", ok=True)

    def on_msu(_) -> None:
        if "carnet" not in state:
            return
        try:
            state["carnet"].set_assessment("msu", msu.values())
        except cm.CarnetError as exc:
            status.value = _alert(str(exc))
            return
        status.value = _alert("Évaluation du MSU prise en compte ; téléchargez le carnet pour la conserver.", ok=True)
        synthesis.show(state["carnet"])
        update_downloads()

    upload.observe(on_upload, names="value")
    example.on_click(on_example)
    msu.save.on_click(on_msu)
    return w.VBox([w.HBox([upload, example]), status, content])
