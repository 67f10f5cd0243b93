from django.urls import path

from attune.privacy import views

app_name = "privacy"
urlpatterns = [
    path("portal/privacy/", views.home, name="home"),
    path("portal/privacy/who-looked/", views.access_log, name="access_log"),
    path("portal/privacy/who-can-see/", views.sharing, name="sharing"),
    path("portal/privacy/who-can-see/change/", views.switch, name="switch"),
    path("portal/privacy/take-it-with-you/", views.exports, name="exports"),
    path("portal/privacy/take-it-with-you/<uuid:request_id>/download/", views.download, name="download"),
    path("portal/privacy/erase/", views.erase, name="erase"),
    path("clients/<uuid:client_id>/erasure/", views.practice_erasure, name="practice_erasure"),
    path("practice/<int:practice_id>/audit/", views.practice_audit_page, name="practice_audit"),
    path("practice/<int:practice_id>/audit.csv", views.practice_audit_csv, name="practice_audit_csv"),
    path("clients/<uuid:client_id>/emergency-access/", views.break_glass, name="break_glass"),
    path("clients/<uuid:client_id>/emergency-access/end/", views.end_break_glass, name="end_break_glass"),
]
