from django.urls import path

from attune.learn import staff_views, views

app_name = "learn"
urlpatterns = [
    # The client's own, in the portal.
    path("portal/learn/", views.home, name="home"),
    path("portal/learn/saved/", views.saved, name="saved"),
    path("portal/learn/saved/<uuid:passage_id>/delete/", views.passage_delete, name="passage_delete"),
    path("portal/learn/modules/<slug:slug>/", views.module_page, name="module"),
    path("portal/learn/modules/<slug:slug>/read/", views.module_read, name="module_read"),
    path("portal/learn/modules/<slug:slug>/passages/", views.passage_save, name="passage_save"),
    path("portal/learn/modules/<slug:slug>/reflections/", views.reflection_add, name="reflection_add"),
    path("portal/learn/rehearsals/<slug:slug>/", views.rehearsal_page, name="rehearsal"),
    path("portal/learn/practice/<uuid:run_id>/", views.run_page, name="run"),
    path("portal/learn/phrases/", views.phrases, name="phrases"),
    path("portal/learn/pause/", views.pause, name="pause"),
    path("portal/learn/thought-records/", views.thought_records, name="thought_records"),
    path("portal/learn/thought-records/new/", views.thought_new, name="thought_new"),
    path("portal/learn/thought-records/<uuid:record_id>/", views.thought_record, name="thought_record"),
    path("portal/learn/writing/", views.pieces, name="pieces"),
    path("portal/learn/writing/new/<slug:kind>/", views.piece_new, name="piece_new"),
    path("portal/learn/writing/<uuid:piece_id>/", views.piece, name="piece"),
    path("portal/learn/<slug:kind>/<uuid:row_id>/share/", views.share, name="share"),
    path("portal/learn/<slug:kind>/<uuid:row_id>/delete/", views.delete, name="delete"),
    # Staff: the content with its sources, and one client's shared work and suggestions.
    path("learn/", staff_views.catalogue, name="catalogue"),
    path("learn/modules/<slug:slug>/", staff_views.catalogue_module, name="catalogue_module"),
    path("clients/<uuid:client_id>/learn/", staff_views.client_learn, name="client_learn"),
    path(
        "clients/<uuid:client_id>/learn/suggestions/<uuid:suggestion_id>/withdraw/",
        staff_views.client_withdraw,
        name="client_withdraw",
    ),
    path(
        "clients/<uuid:client_id>/learn/thought-records/<uuid:record_id>/",
        staff_views.client_thought_record,
        name="client_thought_record",
    ),
    path("clients/<uuid:client_id>/learn/writing/<uuid:piece_id>/", staff_views.client_piece, name="client_piece"),
    path(
        "clients/<uuid:client_id>/learn/rehearsals/<uuid:run_id>/",
        staff_views.client_rehearsal,
        name="client_rehearsal",
    ),
]
