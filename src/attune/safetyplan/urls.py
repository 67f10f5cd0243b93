from django.urls import path

from attune.safetyplan import printing, views

app_name = "safetyplan"
urlpatterns = [
    # The client's own, in the portal.
    path("portal/plan/", views.plan, name="plan"),
    path("portal/plan/steps/<slug:step>/", views.step, name="step"),
    path("portal/plan/sharing/", views.sharing, name="sharing"),
    path("portal/plan/versions/", views.versions, name="versions"),
    path("portal/plan/versions/<uuid:version_id>/", views.version, name="version"),
    path("portal/plan/versions/<uuid:version_id>/restore/", views.restore, name="restore"),
    path("portal/plan/people/", views.network, name="network"),
    path("portal/plan/people/<uuid:person_id>/", views.person, name="person"),
    path("portal/plan/people/<uuid:person_id>/delete/", views.person_delete, name="person_delete"),
    path("portal/plan/print/", printing.choose, name="print"),
    path("portal/plan/print/pdf/", printing.pdf, name="pdf"),
    # The care team's, under the client record.
    path("clients/<uuid:client_id>/plan/", views.client_plan, name="client_plan"),
    path("clients/<uuid:client_id>/plan/steps/<slug:step>/", views.client_step, name="client_step"),
    path("clients/<uuid:client_id>/plan/reviewed/", views.client_reviewed, name="client_reviewed"),
]
