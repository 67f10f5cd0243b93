from django.urls import path

from attune.intake import staff_views, views

app_name = "intake"
urlpatterns = [
    path("portal/intake/<uuid:intake_id>/", views.resume, name="portal_resume"),
    path("portal/intake/<uuid:intake_id>/welcome/", views.welcome, name="portal_welcome"),
    path("portal/intake/<uuid:intake_id>/part/<str:section_id>/", views.section, name="portal_section"),
    path("portal/intake/<uuid:intake_id>/q/<str:link_id>/", views.item, name="portal_item"),
    path("portal/intake/<uuid:intake_id>/support/", views.support, name="portal_support"),
    path("portal/intake/<uuid:intake_id>/review/", views.review, name="portal_review"),
    path("portal/intake/<uuid:intake_id>/thank-you/", views.sent, name="portal_sent"),
    path("clients/<uuid:client_id>/intake/", staff_views.intake_summary, name="summary"),
    path("clients/<uuid:client_id>/intake/send/", staff_views.send, name="send"),
    path(
        "clients/<uuid:client_id>/intake/<uuid:intake_id>/part/<str:section_id>/",
        staff_views.discuss,
        name="discuss",
    ),
]
