from django.urls import path

from attune.care import practice_views

app_name = "practice"
urlpatterns = [
    path("<int:practice_id>/people/", practice_views.people, name="people"),
    path(
        "<int:practice_id>/invitations/<uuid:invitation_id>/withdraw/",
        practice_views.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("<int:practice_id>/people/<int:user_id>/", practice_views.person, name="person"),
    path("<int:practice_id>/clients/new/", practice_views.new_client, name="new_client"),
    path("<int:practice_id>/settings/", practice_views.practice_settings, name="settings"),
    path("<int:practice_id>/crisis-resources/", practice_views.crisis_resources, name="crisis_resources"),
    path(
        "<int:practice_id>/crisis-resources/<int:resource_id>/",
        practice_views.crisis_resource_edit,
        name="crisis_resource_edit",
    ),
    path(
        "<int:practice_id>/crisis-resources/<int:resource_id>/remove/",
        practice_views.crisis_resource_remove,
        name="crisis_resource_remove",
    ),
]
