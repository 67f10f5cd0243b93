from django.urls import path

from attune.skills import views

app_name = "skills"
urlpatterns = [
    # The client's own, in the portal.
    path("portal/skills/", views.library_page, name="library"),
    path("portal/skills/my-phrases/", views.phrase_add, name="phrase_add"),
    path("portal/skills/my-phrases/<uuid:phrase_id>/delete/", views.phrase_delete, name="phrase_delete"),
    path("portal/skills/<slug:slug>/", views.skill_page, name="skill"),
    # Staff: the library itself, and one client's recommendations and shared practices.
    path("skills/", views.catalogue, name="catalogue"),
    path("skills/<slug:slug>/", views.catalogue_skill, name="catalogue_skill"),
    path("clients/<uuid:client_id>/skills/", views.client_skills, name="client_skills"),
    path("clients/<uuid:client_id>/skills/<slug:slug>/withdraw/", views.client_withdraw, name="client_withdraw"),
]
