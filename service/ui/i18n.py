"""The pages' text in German (default) and English. One table; a missing key is a KeyError in the
tests, never an untranslated page."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES: tuple[str, ...] = ("de", "en")
DEFAULT_LANGUAGE = "de"

TEXT: dict[str, tuple[str, str]] = {
    "app_name": ("Schadenmeldungen – Triage", "Claims triage"),
    "skip": ("Zum Inhalt springen", "Skip to content"),
    "switch_language": ("English", "Deutsch"),
    "switch_language_label": ("Switch to English", "Auf Deutsch umschalten"),
    "nav": ("Hauptnavigation", "Main navigation"),
    "nav_review": ("Prüfliste", "Review queue"),
    "nav_audit": ("Prüfbericht", "Audit"),
    "sign_out": ("Abmelden", "Sign out"),
    "signed_in_as": ("Angemeldet als", "Signed in as"),
    "role_clerk": ("Sachbearbeitung", "clerk"),
    "role_auditor": ("Revision", "auditor"),
    "role_admin": ("Administration", "admin"),
    "login_title": ("Anmelden", "Sign in"),
    "login_intro": (
        "Melden Sie sich mit Ihrem API-Schlüssel an (Rolle Sachbearbeitung, Revision oder Administration).",
        "Sign in with your API key (role clerk, auditor or admin).",
    ),
    "api_key": ("API-Schlüssel", "API key"),
    "login_button": ("Anmelden", "Sign in"),
    "login_failed": ("Anmeldung fehlgeschlagen.", "Sign-in failed."),
    "login_limited": (
        "Zu viele Anmeldeversuche. Bitte versuchen Sie es in einigen Minuten erneut.",
        "Too many sign-in attempts. Please try again in a few minutes.",
    ),
    "signed_out": ("Sie sind abgemeldet.", "You are signed out."),
    "queue_title": ("Prüfliste", "Review queue"),
    "queue_intro": (
        "Fälle, die eine Prüfung brauchen: die dringendsten zuerst, dann die ältesten.",
        "Claims waiting for review: most urgent first, then oldest.",
    ),
    "queue_empty": ("Keine Fälle zu prüfen.", "No claims to review."),
    "queue_count": ("Fälle in der Liste", "claims in the queue"),
    "filter": ("Filtern", "Filter"),
    "all_departments": ("Alle Abteilungen", "All departments"),
    "received": ("Eingang", "Received"),
    "reasons": ("Prüfgrund", "Review reason"),
    "open": ("Öffnen", "Open"),
    "open_claim": ("Fall öffnen", "Open claim"),
    "page": ("Seite", "Page"),
    "pages": ("Seiten", "Pages"),
    "previous": ("Zurück", "Previous"),
    "next": ("Weiter", "Next"),
    "saved": ("Gespeichert.", "Saved."),
    "saved_next": ("Gespeichert. Hier der nächste Fall der Prüfliste.", "Saved. Here is the next claim of the queue."),
    "saved_queue_done": ("Gespeichert. Die Prüfliste ist leer.", "Saved. The review queue is empty."),
    "claim_title": ("Fall", "Claim"),
    "claim_text": ("Meldung (anonymisiert)", "Report (anonymized)"),
    "decision": ("Entscheidung des Modells", "The model's decision"),
    "task": ("Aufgabe", "Task"),
    "label": ("Einstufung", "Label"),
    "confidence": ("Konfidenz", "Confidence"),
    "in_force": ("Gilt jetzt", "In force"),
    "explanation": ("Begründung", "Explanation"),
    "facts": ("Erkannte Merkmale", "Facts the model read"),
    "fact": ("Merkmal", "Fact"),
    "value": ("Wert", "Value"),
    "rules": ("Entscheidende Regeln", "Deciding rules"),
    "rule": ("Regel", "Rule"),
    "deciding_rule": ("Entscheidende Regel", "Deciding rule"),
    "no_rule": ("keine – das Modell hat entschieden", "none – the model decided"),
    "model_decided": ("Modell", "model"),
    "review_reasons": ("Warum zur Prüfung", "Why it needs review"),
    "none": ("keine", "none"),
    "removed_entities": ("Entfernte personenbezogene Daten", "Personal data removed"),
    "history": ("Prüfverlauf", "Review history"),
    "no_history": ("Noch nicht geprüft.", "Not reviewed yet."),
    "previous_labels": ("Vorher", "Before"),
    "comment": ("Kommentar", "Comment"),
    "comment_hint": (
        "Wird vor dem Speichern anonymisiert.",
        "Anonymized before it is stored.",
    ),
    "review_form": ("Prüfen", "Review"),
    "review_intro": (
        "Bestätigen Sie die Einstufung oder korrigieren Sie sie.",
        "Confirm the labels or correct them.",
    ),
    "override": ("Bereits geprüften Fall ändern", "Change an already reviewed claim"),
    "save_next": ("Speichern und nächster Fall", "Save and next claim"),
    "back_to_queue": ("Zur Prüfliste", "Back to the queue"),
    "conflict_title": ("Konflikt", "Conflict"),
    "conflict_reviewed": (
        "Dieser Fall wurde bereits geprüft. Ihre Änderung wurde nicht gespeichert. "
        "Um die geprüfte Einstufung zu ändern, setzen Sie das Häkchen „Bereits geprüften Fall ändern“.",
        "This claim was already reviewed. Your change was not saved. "
        "To change the reviewed labels, tick “Change an already reviewed claim”.",
    ),
    "conflict_concurrent": (
        "Jemand anderes hat diesen Fall geprüft, während Sie ihn geöffnet hatten. Ihre Änderung wurde "
        "nicht gespeichert; unten sehen Sie den aktuellen Stand.",
        "Someone else reviewed this claim while you had it open. Your change was not saved; the current "
        "state is shown below.",
    ),
    "invalid_label": ("Unbekannte Einstufung.", "Unknown label."),
    "comment_too_long": (
        "Der Kommentar ist zu lang (höchstens 2.000 Zeichen).",
        "The comment is too long (2,000 characters at most).",
    ),
    "busy": (
        "Zu viele Anfragen mit Ihrem Schlüssel gleichzeitig; Ihre Änderung wurde nicht gespeichert. "
        "Bitte gleich noch einmal speichern.",
        "Too many requests with your key at once; your change was not saved. Please save again in a moment.",
    ),
    "model_loading": (
        "Das Modell wird noch geladen; bitte gleich noch einmal speichern.",
        "The model is still loading; please save again in a moment.",
    ),
    "state_needs_review": ("zu prüfen", "needs review"),
    "state_auto_routed": ("automatisch weitergeleitet", "auto-routed"),
    "state_reviewed": ("geprüft", "reviewed"),
    "state": ("Status", "State"),
    "audit_title": ("Prüfbericht", "Audit"),
    "audit_intro": (
        "Die gespeicherten Entscheidungen des Modells gegen die Einstufung der Sachbearbeitung "
        "(nur geprüfte Fälle), mit Wilson-95-%-Intervallen. Tage in UTC.",
        "The model's stored decisions against the clerks' labels (reviewed claims only), with Wilson "
        "95% intervals. Days in UTC.",
    ),
    "model_version": ("Modellversion", "Model version"),
    "all_versions": ("Alle Versionen", "All versions"),
    "tenant": ("Mandant", "Tenant"),
    "all_tenants": ("Alle freigegebenen Mandanten", "All granted tenants"),
    "date_from": ("Von (Eingang)", "From (received)"),
    "date_to": ("Bis einschließlich", "To (inclusive)"),
    "period": ("Zeitraster", "Period"),
    "period_day": ("Tag", "Day"),
    "period_week": ("Woche", "Week"),
    "period_month": ("Monat", "Month"),
    "show": ("Anzeigen", "Show"),
    "csv": ("CSV", "CSV"),
    "csv_of": ("CSV-Export", "CSV export"),
    "summary": ("Überblick", "Summary"),
    "accuracy_title": ("Genauigkeit je Aufgabe", "Accuracy per task"),
    "per_class_title": (
        "Trefferquote je Klasse (nach Einstufung der Sachbearbeitung)",
        "Recall per class (by the clerk's label)",
    ),
    "confusion_title": ("Verwechslungsmatrizen", "Confusion matrices"),
    "confusion_caption": (
        "Zeilen: Einstufung der Sachbearbeitung; Spalten: Modell",
        "Rows: clerk's label; columns: model's label",
    ),
    "clerk_label": ("Sachbearbeitung", "Clerk"),
    "model_label": ("Modell", "Model"),
    "trend_title": ("Verlauf", "Trend"),
    "trend_chart": ("Genauigkeit je Zeitraum", "Accuracy per period"),
    "reliability_title": ("Verlässlichkeit der Konfidenzen", "Reliability of the confidences"),
    "reliability_intro": (
        "Geprüfte Fälle nach Konfidenz des Modells: wie oft die Sachbearbeitung zustimmte. Auf der Diagonale "
        "stimmt die Konfidenz.",
        "Reviewed claims by the model's confidence: how often the clerk agreed. On the diagonal the "
        "confidence is right.",
    ),
    "drift_title": ("Verteilung gegen Training (Drift)", "Distribution against training (drift)"),
    "drift_intro": (
        "Anteil jeder Klasse unter den Entscheidungen des Modells gegen den Anteil in den Trainingsdaten. "
        "Abstand: halbe Summe der absoluten Differenzen (0 = gleich, 1 = disjunkt).",
        "Share of each label among the model's decisions against its share in the training data. Distance: "
        "half the summed absolute differences (0 = same, 1 = disjoint).",
    ),
    "share_now": ("Anteil jetzt", "Share now"),
    "share_training": ("Anteil Training", "Share in training"),
    "no_training_data": ("Trainingsverteilung nicht verfügbar.", "Training distribution unavailable."),
    "no_data": ("Keine Daten im gewählten Zeitraum.", "No data in the chosen range."),
    "forbidden_title": ("Kein Zugriff", "Access denied"),
    "forbidden": (
        "Ihre Rolle darf diese Seite nicht öffnen.",
        "Your role may not open this page.",
    ),
    "not_found_title": ("Nicht gefunden", "Not found"),
    "not_found": ("Diesen Fall gibt es nicht.", "There is no such claim."),
    "csrf_failed": (
        "Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu.",
        "The form expired or is invalid. Please reload the page.",
    ),
    "bad_input": ("Ungültige Eingabe.", "Invalid input."),
    "filters_reset": ("Ungültige Filter wurden zurückgesetzt.", "Invalid filters were reset."),
    "col_model_version": ("Modellversion", "Model version"),
    "col_claims": ("Fälle", "Claims"),
    "col_auto_routed": ("Automatisch", "Auto-routed"),
    "col_auto_routed_share": ("Anteil automatisch", "Share auto-routed"),
    "col_reviewed": ("Geprüft", "Reviewed"),
    "col_auto_checked": ("Automatische nachgeprüft", "Auto-routed, checked later"),
    "col_auto_changed": ("davon geändert", "of which changed"),
    "col_change_rate": ("Änderungsquote", "Change rate"),
    "col_task": ("Aufgabe", "Task"),
    "col_n": ("Anzahl", "Count"),
    "col_correct": ("Richtig", "Correct"),
    "col_accuracy": ("Genauigkeit", "Accuracy"),
    "col_ci95_low": ("95-%-Intervall von", "95% interval from"),
    "col_ci95_high": ("bis", "to"),
    "col_class": ("Klasse", "Class"),
    "col_clerk_label": ("Sachbearbeitung", "Clerk"),
    "col_model_label": ("Modell", "Model"),
    "col_period": ("Zeitraum", "Period"),
    "col_bin_low": ("Konfidenz ab", "Confidence from"),
    "col_bin_high": ("bis unter", "to below"),
    "col_mean_confidence": ("Mittlere Konfidenz", "Mean confidence"),
    "col_agreement": ("Zustimmung", "Agreement"),
    "col_n_now": ("Anzahl jetzt", "Count now"),
    "col_share_now": ("Anteil jetzt", "Share now"),
    "col_n_training": ("Anzahl Training", "Count in training"),
    "col_share_training": ("Anteil Training", "Share in training"),
    "col_difference": ("Differenz", "Difference"),
    "col_distance": ("Abstand", "Distance"),
}


def translator(language: str) -> Callable[[str], str]:
    """``t(key)`` in ``language`` (German unless it is English)."""
    column = 1 if language == "en" else 0

    def t(key: str) -> str:
        return TEXT[key][column]

    return t
