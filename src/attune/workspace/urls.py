from django.urls import path

from attune.workspace import views

app_name = "workspace"
urlpatterns = [
    path("clients/", views.caseload, name="caseload"),
    path("clients/<uuid:client_id>/", views.client_overview, name="client"),
    path("portal/", views.portal, name="portal"),
    path("research/", views.research, name="research"),
]
