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
    path("<int:practice_id>/clients/new/", practice_views.new_client, name="new_client"),
]
