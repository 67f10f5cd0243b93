from django.urls import path

from attune.notify import views

app_name = "notify"
urlpatterns = [
    path("n/<uuid:notification_id>/", views.open_message, name="open"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("demo/mail/", views.demo_mail, name="demo_mail"),
    # At the root, so that the service worker's scope is the whole site (a worker controls only paths below it).
    path("sw.js", views.service_worker, name="service_worker"),
]
