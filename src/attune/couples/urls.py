from django.urls import path

from attune.couples import views

app_name = "couples"
urlpatterns = [
    path("couples/", views.home, name="home"),
    path("couples/invite/", views.invite, name="invite"),
    path("couples/invites/<uuid:invite_id>/", views.decide_invite, name="decide_invite"),
    path("couples/<int:link_id>/", views.space, name="space"),
    path("couples/<int:link_id>/agreements/new/", views.agreement_new, name="agreement_new"),
    path("couples/<int:link_id>/check-in/", views.check_in, name="check_in"),
    path("couples/<int:link_id>/rhythm/", views.rhythm, name="rhythm"),
    path("couples/<int:link_id>/rehearsal/", views.rehearsal, name="rehearsal"),
    path("couples/<int:link_id>/skills/<slug:slug>/", views.skill, name="skill"),
    path("couples/<int:link_id>/notes/", views.couple_note, name="couple_note"),
    path("couples/<int:link_id>/end/", views.end, name="end"),
    path("couples/<int:link_id>/between-you/", views.between_you, name="between_you"),
    path("couples/<int:link_id>/between-you/send/", views.questions_send, name="questions_send"),
    path("couples/between-you/<uuid:row_id>/", views.questions, name="questions"),
    path("couples/between-you/<uuid:row_id>/show/", views.total_show, name="total_show"),
    path("couples/agreements/<uuid:agreement_id>/", views.agreement, name="agreement"),
    path("couples/agreements/<uuid:agreement_id>/new-version/", views.agreement_version, name="agreement_version"),
    path("couples/agreements/<uuid:agreement_id>/agree/", views.agreement_consent, name="agreement_consent"),
    path("couples/agreements/<uuid:agreement_id>/withdraw/", views.agreement_withdraw, name="agreement_withdraw"),
    path("couples/agreements/<uuid:agreement_id>/notes/", views.note_add, name="note_add"),
    path("couples/notes/<uuid:note_id>/show/", views.note_show, name="note_show"),
    path("couples/answers/<uuid:answer_id>/show/", views.answer_show, name="answer_show"),
    path("clients/<uuid:client_id>/couples/", views.client_couples, name="client_couples"),
]
