from django.urls import URLPattern, path

from attune.questionnaires import views

app_name = "questionnaires"


def _answering(prefix: str, surface: str) -> list[URLPattern]:
    extra = {"surface": surface}
    return [
        path(f"{prefix}<uuid:response_id>/", views.resume, extra, name=f"{surface}_resume"),
        path(f"{prefix}<uuid:response_id>/about/", views.notice, extra, name=f"{surface}_notice"),
        path(f"{prefix}<uuid:response_id>/q/<str:link_id>/", views.item, extra, name=f"{surface}_item"),
        path(f"{prefix}<uuid:response_id>/review/", views.review, extra, name=f"{surface}_review"),
    ]


urlpatterns = [
    path("portal/questionnaires/", views.portal_list, name="portal_list"),
    path("portal/questionnaires/<uuid:response_id>/thank-you/", views.portal_done, name="portal_done"),
    *_answering("portal/questionnaires/", "portal"),
    *_answering("session/questionnaires/", "session"),
    path("clients/<uuid:client_id>/measures/", views.client_measures, name="client_measures"),
    path("clients/<uuid:client_id>/measures/assign/", views.assign, name="assign"),
    path("clients/<uuid:client_id>/measures/<uuid:response_id>/", views.response_detail, name="response"),
]
