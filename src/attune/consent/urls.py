from django.urls import path

from attune.consent import views

app_name = "consent"
urlpatterns = [
    path("portal/sharing/", views.sharing, name="sharing"),
    path("portal/sharing/change/", views.change, name="change"),
    path("portal/shared-with-me/<uuid:client_id>/", views.shared_with_me, name="shared_with_me"),
]
