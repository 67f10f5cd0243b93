from django.urls import path

from attune.care import views

app_name = "care"
urlpatterns = [
    path("clients/<uuid:client_id>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:client_id>/episodes/open/", views.episode_open, name="episode_open"),
    path("clients/<uuid:client_id>/episodes/close/", views.episode_close, name="episode_close"),
    path("clients/<uuid:client_id>/care-team/", views.care_team, name="care_team"),
    path(
        "clients/<uuid:client_id>/care-team/<int:member_id>/remove/",
        views.care_team_remove,
        name="care_team_remove",
    ),
    path("clients/<uuid:client_id>/invite/", views.invite_to_portal, name="invite_to_portal"),
    path("portal/safe-contact/", views.safe_contact, name="safe_contact"),
]
