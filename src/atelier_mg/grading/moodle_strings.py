"""Les intitulés de Moodle (fr, en ; 3.11 à 4.5), tels que ses paquets de langue les écrivent : une table par langue.

Read in Moodle's own language files, never in its documentation:

* English: ``moodle/moodle`` — ``lang/en/moodle.php`` (``email``, ``fullname``, ``idnumber``, ``firstname``,
  ``lastname``, ``gradenoun``, ``yes``), ``lang/en/langconfig.php`` (``decsep``, ``strftimedaydatetime``),
  ``mod/assign/lang/en/assign.php`` (``recordid``, ``status``, ``maxgrade``, ``lastmodifiedgrade``,
  ``hiddenuser`` = ``'Participant '``, with its trailing space, ``submissionstatus_*``),
  ``mod/assign/feedback/comments/lang/en/assignfeedback_comments.php`` (``pluginname``);
* French: the AMOS packs as mirrored by ``projectestac/moodle-langpacks``, branches ``upstream_311``,
  ``upstream_41``, ``upstream_44``, ``upstream_45`` (= ``master``, « version '4.5' »), files ``fr/assign.php``,
  ``fr/moodle.php``, ``fr/langconfig.php``, ``fr/assignfeedback_comments.php``, ``fr/assignfeedback_offline.php``,
  ``fr/assignfeedback_file.php`` (``hiddenuser`` = ``'Participant'``, without a space: hence « Participant13 »).

Each key is Moodle's string identifier; its value is the text of the newest version first, then the older
ones still in use (3.11 wrote ``'`` where 4.1+ write ``’``; ``lastname`` was « Nom » / « Surname » in 3.11).
The English ``maxgrade`` was « Maximum Grade » up to 4.1. The menu names (``downloadall``…) are those the
README quotes; ``uploadzip`` lost « plusieurs » / « multiple » in 4.5.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        # grading worksheet (mod/assign/gradingtable.php, download) and its import (assignfeedback_offline)
        "recordid": ("Identifiant",),
        "fullname": ("Nom complet",),
        "email": ("Adresse de courriel",),
        "status": ("Statut",),
        "gradenoun": ("Note",),
        "maxgrade": ("Note maximale",),
        "gradecanbechanged": ("La note peut être modifiée",),
        "lastmodifiedsubmission": ("Dernière modification (travail remis)",),
        "lastmodifiedgrade": ("Dernière modification (note)",),
        "feedbackcomments": ("Feedback par commentaires",),
        "hiddenuser": ("Participant",),
        "participant": ("Participant",),
        "submissionstatus_": ("Pas de travail remis",),
        "submissionstatus_new": ("Non remis",),
        "submissionstatus_draft": ("Brouillon (non remis)",),
        "submissionstatus_submitted": ("Remis pour évaluation",),
        "submissionstatus_marked": ("Noté",),
        "submissionstatus_reopened": ("Rouvert",),
        "yes": ("Oui",),
        "decsep": (",",),
        "strftimedaydatetime": ("%A %d %B %Y, %H:%M",),
        # participants export (user/index.php, « Séparé par des virgules (.csv) »)
        "firstname": ("Prénom",),
        "lastname": ("Nom de famille", "Nom"),
        "idnumber": ("Numéro d’identification", "Numéro d'identification"),
        "groups": ("Groupes",),
        # menus quoted by the README (Moodle 4.5 first)
        "gradeitem:submissions": ("Travaux remis",),
        "actions": ("Actions",),
        "downloadall": ("Télécharger tous les travaux remis",),
        "downloadasfolders": ("Télécharger les travaux remis dans des dossiers",),
        "downloadgrades": ("Télécharger le formulaire d’évaluation", "Télécharger le formulaire d'évaluation"),
        "uploadgrades": ("Déposer un formulaire d’évaluation", "Déposer un formulaire d'évaluation"),
        "ignoremodified": ("Autorise la modification de données modifiées plus récemment dans Moodle que dans le "
                           "formulaire d’évaluation.",),
        "uploadzip": ("Déposer des fichiers de feedback dans un ZIP",
                      "Déposer plusieurs fichiers de feedback dans un ZIP"),
        "feedbackfile": ("Fichiers comme feedback",),
        "feedbacktypes": ("Types de feedback",),
        "settings": ("Paramètres",),
        "modgradetypepoint": ("Point",),
        "blindmarking": ("Remises anonymes",),
        "revealidentities": ("Révéler les identités des étudiants",),
        "withselectedusers": ("Pour les utilisateurs sélectionnés…",),
        "selectall": ("Tout sélectionner",),
        "dataformat_csv": ("Séparé par des virgules (.csv)",),
    },
    "en": {
        "recordid": ("Identifier",),
        "fullname": ("Full name",),
        "email": ("Email address",),
        "status": ("Status",),
        "gradenoun": ("Grade",),
        "maxgrade": ("Maximum grade", "Maximum Grade"),
        "gradecanbechanged": ("Grade can be changed",),
        "lastmodifiedsubmission": ("Last modified (submission)",),
        "lastmodifiedgrade": ("Last modified (grade)",),
        "feedbackcomments": ("Feedback comments",),
        "hiddenuser": ("Participant ",),
        "participant": ("Participant",),
        "submissionstatus_": ("No submission",),
        "submissionstatus_new": ("No submission",),
        "submissionstatus_draft": ("Draft (not submitted)",),
        "submissionstatus_submitted": ("Submitted for grading",),
        "submissionstatus_marked": ("Graded",),
        "submissionstatus_reopened": ("Reopened",),
        "yes": ("Yes",),
        "decsep": (".",),
        "strftimedaydatetime": ("%A, %d %B %Y, %I:%M %p",),
        "firstname": ("First name",),
        "lastname": ("Last name", "Surname"),
        "idnumber": ("ID number",),
        "groups": ("Groups",),
        "gradeitem:submissions": ("Submissions",),
        "actions": ("Actions",),
        "downloadall": ("Download all submissions",),
        "downloadasfolders": ("Download submissions in folders",),
        "downloadgrades": ("Download grading worksheet",),
        "uploadgrades": ("Upload grading worksheet",),
        "ignoremodified": ("Allow updating records that have been modified more recently in Moodle than in the "
                           "spreadsheet.",),
        "uploadzip": ("Upload feedback files in a zip", "Upload multiple feedback files in a zip"),
        "feedbackfile": ("File feedback",),
        "feedbacktypes": ("Feedback types",),
        "settings": ("Settings",),
        "modgradetypepoint": ("Point",),
        "blindmarking": ("Anonymous submissions",),
        "revealidentities": ("Reveal student identities",),
        "withselectedusers": ("With selected users...",),
        "selectall": ("Select all",),
        "dataformat_csv": ("Comma separated values (.csv)",),
    },
}

# Month and day names of the dates Moodle writes in the worksheet (userdate with strftimedaydatetime,
# locale fr_FR.UTF-8 / en_AU.UTF-8 from langconfig.php): « lundi 7 décembre 2026, 20:16 »,
# « Monday, 7 December 2026, 8:05 PM ».
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"),
}


def string(lang: str, key: str) -> str:
    """The newest text of a Moodle string in ``lang``."""
    return STRINGS[lang][key][0]


def variants(key: str) -> dict[str, str]:
    """Every known text of ``key`` (all languages and versions) → its language."""
    return {text: lang for lang, table in STRINGS.items() for text in table[key]}
