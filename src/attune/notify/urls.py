from django.urls import path

from attune.notify import views

app_name = "notify"
urlpatterns = [
    path("n/<uuid:notification_id>/", views.open_message, name="open"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("demo/mail/", views.demo_mail, name="demo_mail"),
]
