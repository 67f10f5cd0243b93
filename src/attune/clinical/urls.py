from django.urls import path

from attune.clinical import views

app_name = "clinical"
urlpatterns = [
    path("clients/<uuid:client_id>/notes/", views.notes, name="notes"),
    path("clients/<uuid:client_id>/notes/new/", views.note_new, name="note_new"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/", views.note, name="note"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/autosave/", views.note_autosave, name="note_autosave"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/sign/", views.note_sign, name="note_sign"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/addenda/", views.note_addendum, name="note_addendum"),
]
