from django.urls import path

from attune.diary import staff_views, views

app_name = "diary"
urlpatterns = [
    # The client's own, in the portal.
    path("portal/diary/", views.entries, name="entries"),
    path("portal/diary/new/", views.log, name="log"),
    path("portal/diary/sharing/", views.share_default, name="share_default"),
    path("portal/diary/<uuid:entry_id>/", views.entry, name="entry"),
    path("portal/diary/<uuid:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("portal/scripts/", views.script_map, name="map"),
    path("portal/scripts/new/", views.script_new, name="script_new"),
    path("portal/scripts/<uuid:script_id>/", views.script, name="script"),
    path("portal/scripts/<uuid:script_id>/status/", views.script_status, name="script_status"),
    path("portal/scripts/<uuid:script_id>/new-responses/", views.response_new, name="response_new"),
    path("portal/new-responses/<uuid:response_id>/", views.response_practice, name="response_practice"),
    path("portal/new-responses/<uuid:response_id>/status/", views.response_status, name="response_status"),
    path("portal/insights/", views.insights, name="insights"),
    # The care team's, under the client record.
    path("clients/<uuid:client_id>/diary/", staff_views.client_diary, name="client_diary"),
    path("clients/<uuid:client_id>/diary/<uuid:entry_id>/", staff_views.client_entry, name="client_entry"),
    path("clients/<uuid:client_id>/scripts/", staff_views.client_map, name="client_map"),
    path("clients/<uuid:client_id>/scripts/new/", staff_views.client_script_new, name="client_script_new"),
    path("clients/<uuid:client_id>/scripts/<uuid:script_id>/", staff_views.client_script, name="client_script"),
    path(
        "clients/<uuid:client_id>/scripts/<uuid:script_id>/new-responses/",
        staff_views.client_response_new,
        name="client_response_new",
    ),
    path("clients/<uuid:client_id>/insights/", staff_views.client_insights, name="client_insights"),
]
