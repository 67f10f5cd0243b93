from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "attune.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from django.utils import timezone

        from attune.core import events, ticks
        from attune.monitoring import perms, services, views
        from attune.questionnaires import pages

        del perms  # declared on import
        # Monitoring's reactions: alerts and changes for reviews, in the transaction of what caused them.
        events.subscribe(events.ResponseAnswered, services.on_answered)
        events.subscribe(events.ResponseSubmitted, services.on_submitted)
        events.subscribe(events.SafetyConcern, services.on_safety_concern)
        # Appointments booked in the clinical record are session dates here ("before each session"); a cancelled
        # one drops out.
        events.subscribe(events.AppointmentBooked, services.on_appointment_booked)
        events.subscribe(events.AppointmentRescheduled, services.on_appointment_booked)
        events.subscribe(events.AppointmentCancelled, services.on_appointment_cancelled)
        # Unacknowledged safety alerts go to more of the care team once the practice's time has passed.
        ticks.register("monitoring.escalate", services.escalate_due)
        # Scheduled questionnaires are issued here (no page issues them when viewed), with a neutral message to
        # the client; a questionnaire left waiting gets one gentle reminder.
        ticks.register("monitoring.issue_due", lambda now: services.issue_all_due(timezone.localdate(now)))
        ticks.register("monitoring.remind", services.remind_waiting)
        # Results and alerts, for the care team's "since the last session" (core/timeline.py).
        from attune.core import timeline as care_timeline
        from attune.monitoring import timeline

        care_timeline.register("monitoring.results", "Questionnaires", timeline.results)
        care_timeline.register("monitoring.alerts", "Alerts", timeline.alerts)
        # Schedules, sessions and progress charts on the engine's measures page.
        pages.add_measures_panel(views.measures_panel)
        from attune.core import disclosure
        from attune.monitoring import models

        disclosure.exports(models.Schedule, "Questionnaires scheduled for you")
        disclosure.exports(models.Alert, "Times your care team was asked to check in with you, and their notes")
        disclosure.exports(models.AlertEvent, "What your care team did about each check-in")
        disclosure.exports(models.ChangeEvent, "Changes in your questionnaire results your clinician reviewed")
        disclosure.exports(models.SessionRecord, "The dates of your sessions")
        disclosure.exports(models.MeasureVisibility, "Which results your clinician shows you")
        # Which results the client is shown, for capabilities that show them elsewhere (the review's plain version).
        from attune.measures import plain
        from attune.monitoring import queries

        plain.register_shown(queries.visible_instruments)
