"""Tableau de bord prévention de la patientèle (JupyterLab, Voilà) : interface mince sur :mod:`.model`."""

from __future__ import annotations

import base64
import datetime as dt
import html
import io

import altair as alt
import pandas as pd

from ...core import ui
from ...core.formatting import euros, format_count
from ...core.privacy import served_to_others
from . import files, generator
from . import model as pt


def indicators_chart(summary: pd.DataFrame) -> alt.Chart:
    """Stacked bars: validated / not validated / excluded patients per indicator."""
    long = summary.reset_index().melt(
        id_vars=["code", "Indicateur", "Thème"], value_vars=["Validés", "Non validés", "Exclus"],
        var_name="Statut", value_name="Patients",
    )
    order = list(summary["Indicateur"])
    statuses = ["Validés", "Non validés", "Exclus"]
    return alt.Chart(long).mark_bar(stroke="black", strokeWidth=1.5).encode(
        y=alt.Y("Indicateur:N", sort=order, title=None, axis=alt.Axis(labelLimit=330)),
        x=alt.X("Patients:Q", title="Patients concernés"),
        color=alt.Color("Statut:N", scale=alt.Scale(domain=statuses, range=["#1b7837", "#d6604d", "#bababa"]),
                        legend=alt.Legend(orient="bottom", title=None)),
        # The border style carries the status too (solid, dashed, dotted): colour is never the only cue.
        strokeDash=alt.StrokeDash("Statut:N", scale=alt.Scale(domain=statuses, range=[[1, 0], [6, 3], [2, 2]]),
                                  legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("Statut:N", sort="descending"),
        tooltip=["Indicateur:N", "Statut:N", "Patients:Q"],
    ).properties(
        width=360, height=15 * 24, title="Indicateurs de la majoration prévention",
        description=("Barres horizontales : pour chaque indicateur, patients validés (bordure pleine), non validés "
                     "(bordure en tirets) et exclus (bordure en pointillés) ; les effectifs sont dans le tableau qui suit."),
    )


def summary_html(summary: pd.DataFrame, totals: dict[str, float]) -> str:
    shown = summary.drop(columns=["Thème"]).copy()
    shown["Taux de validation"] = [
        "—" if v is None or pd.isna(v) else f"{v * 100:.0f}\u202f%" for v in shown["Taux de validation"]
    ]
    shown["Majoration (€)"] = [euros(v) for v in shown["Majoration (€)"]]
    return (
        f"<p class='atelier-totaux'><strong>{format_count(totals['patients'])} patients</strong> — forfait médecin "
        f"traitant : <strong>{euros(totals['forfait_mt'])}</strong> ; majoration prévention : "
        f"<strong>{euros(totals['majoration_prevention'])}</strong> ; total annuel : "
        f"<strong>{euros(totals['total'])}</strong>.</p>"
        + shown.to_html(index=False, border=0, classes="atelier-table")
        + "<p class='atelier-source'>Règles et montants : présentation de la Cnam au congrès du CNGE 2024 (source 003 "
        "l. 148-196) ; interprétations de l'équipe Atelier MG décrites dans les jeux de données.</p>"
    )


def dashboard():
    import ipywidgets as w

    style = {"description_width": "12em"}
    n = w.BoundedIntText(value=1000, min=1, max=20_000, description="Nombre de patients", style=style)
    seed = w.IntText(value=2026, description="Graine du tirage", style=style)
    ref = w.DatePicker(value=dt.date(2026, 5, 15), description="Date de calcul", style=style).add_class("atelier-date-calcul")
    gen = w.Button(description="Générer une patientèle fictive", button_style="primary", icon="random")
    gen.add_class("atelier-generer")
    up_p = w.FileUpload(accept=".csv", description="patients.csv").add_class("atelier-fichier-patients")
    up_a = w.FileUpload(accept=".csv", description="actes.csv").add_class("atelier-fichier-actes")
    load = w.Button(description="Charger mes fichiers", icon="upload").add_class("atelier-charger")
    message = w.HTML().add_class("atelier-message")
    totals_box = w.HTML().add_class("atelier-synthese")
    figure = w.Output().add_class("atelier-figure")
    indicator = w.Dropdown(description="Indicateur", style=style,
                           options=[(row.indicateur, code) for code, row in pt.indicators().iterrows()])
    status_filter = w.Dropdown(description="Statut", style=style, options=["Tous", *pt.STATUSES], value="Non validé")
    patients_table = w.HTML().add_class("atelier-patients")
    download = w.HTML()
    state: dict[str, pd.DataFrame] = {}

    def show(pat: pt.Patientele, origin: str) -> None:
        status = pt.status_table(pat)
        state["status"] = status
        summary = pt.summary(status)
        totals_box.value = f"<h3>Synthèse — {html.escape(origin)}</h3>" + summary_html(summary, pt.totals(status))
        ui.show_chart(figure, indicators_chart(summary))
        csv = status.to_csv(index=False, sep=";").encode("utf-8-sig")
        download.value = (f"<a download='statuts_prevention.csv' class='atelier-telecharger' "
                          f"href='data:text/csv;base64,{base64.b64encode(csv).decode()}'>Télécharger le tableau par "
                          "patient (CSV)</a>")
        filter_patients()

    def filter_patients(*_) -> None:
        status = state.get("status")
        if status is None:
            return
        code = indicator.value
        view = status[status[code] != pt.NOT_CONCERNED]
        if status_filter.value != "Tous":
            view = status[status[code] == status_filter.value]
        columns = ["Identifiant", "Âge", "Sexe", "ALD", "C2S", code]
        shown = view[columns].rename(columns={code: "Statut"}).head(200)
        patients_table.value = (
            f"<p>{len(view)} patient(s) ; 200 premiers affichés.</p>"
            + shown.to_html(index=False, border=0, classes="atelier-table")
        )

    def on_generate(_) -> None:
        if ref.value is None:
            message.value = ui.message("Choisissez une date de calcul.")
            return
        try:
            pat = generator.generate(int(n.value), seed=int(seed.value), reference=ref.value)
        except pt.PatienteleError as exc:
            message.value = ui.message(exc)
            return
        message.value = ""
        show(pat, f"patientèle fictive de {n.value} patients (graine {seed.value}) au {ref.value.strftime('%d/%m/%Y')}")

    def on_load(_) -> None:
        if not up_p.value or not up_a.value:
            message.value = ui.message("Choisissez les deux fichiers : patients.csv et actes.csv.")
            return
        try:
            pat = files.read_csv_pair(io.BytesIO(bytes(up_p.value[0]["content"])),
                                   io.BytesIO(bytes(up_a.value[0]["content"])), ref.value or dt.date.today())
        except pt.PatienteleError as exc:
            message.value = ui.message(f"{exc}\nLe tableau affiché précédemment est conservé.")
            return
        message.value = ui.message("Fichiers chargés.", ok=True)
        show(pat, f"fichiers {up_p.value[0]['name']} et {up_a.value[0]['name']}")

    gen.on_click(on_generate)
    if served_to_others():
        # Served to a room (« atelier serve »): patients' files, even pseudonymised, never go to the organiser's
        # server; only the generated example is offered.
        own_files = [w.HTML(
            "<p class='atelier-sans-fichiers'>Ce tableau de bord est servi à une salle : il ne reçoit aucun fichier. "
            "Vos données de patients, même pseudonymisées, sont des données de santé : elles restent sur votre "
            "ordinateur. Pour les analyser, ouvrez ce tableau de bord dans votre propre JupyterLab "
            "(<code>atelier lab</code>).</p>")]
    else:
        load.on_click(on_load)
        own_files = [
            w.HTML("<p>… ou vos propres fichiers <strong>pseudonymisés</strong> (ce sont des données de santé "
                   "personnelles : précautions et format dans le chapitre) :</p>"),
            w.HBox([up_p, up_a, load]),
        ]
    indicator.observe(filter_patients, names="value")
    status_filter.observe(filter_patients, names="value")
    on_generate(None)
    return w.VBox([
        w.HTML("<h3>Patientèle</h3>"), w.HBox([n, seed]), ref, gen,
        *own_files, message, totals_box, figure,
        w.HTML("<h3>Statut des patients pour un indicateur</h3>"), w.HBox([indicator, status_filter]),
        patients_table, download,
    ])
