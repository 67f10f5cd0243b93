from django.urls import path

from attune.monitoring import portal_views, views

app_name = "monitoring"
urlpatterns = [
    path("alerts/", views.inbox, name="alerts"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<uuid:alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("alerts/<uuid:alert_id>/contact/", views.alert_contact, name="alert_contact"),
    path("clients/<uuid:client_id>/measures/schedules/", views.schedule_create, name="schedule_create"),
    path(
        "clients/<uuid:client_id>/measures/schedules/<uuid:schedule_id>/end/",
        views.schedule_end,
        name="schedule_end",
    ),
    path("clients/<uuid:client_id>/measures/sessions/", views.session_add, name="session_add"),
    path(
        "clients/<uuid:client_id>/measures/sessions/<uuid:session_id>/remove/",
        views.session_remove,
        name="session_remove",
    ),
    path("clients/<uuid:client_id>/measures/visibility/", views.visibility, name="visibility"),
    path("clients/<uuid:client_id>/measures/export.csv", views.export_csv, name="export_csv"),
    path("clients/<uuid:client_id>/measures/progress/<slug:code>/", views.progress_page, name="progress"),
    path("clients/<uuid:client_id>/measures/progress/<slug:code>/items/", views.compare, name="compare"),
    path("portal/questionnaires/<uuid:response_id>/support/", portal_views.support, name="support"),
    path("portal/questionnaires/<uuid:response_id>/support/seen/", portal_views.support_seen, name="support_seen"),
    path("portal/questionnaires/<uuid:response_id>/postpone/", portal_views.postpone, name="postpone"),
    path("portal/results/", portal_views.my_results, name="my_results"),
]
