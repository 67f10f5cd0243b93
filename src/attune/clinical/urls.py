from django.urls import path

from attune.clinical import appointment_views, exposure_views, plan_views, review_views, views

app_name = "clinical"
urlpatterns = [
    path("clients/<uuid:client_id>/notes/", views.notes, name="notes"),
    path("clients/<uuid:client_id>/notes/new/", views.note_new, name="note_new"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/", views.note, name="note"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/autosave/", views.note_autosave, name="note_autosave"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/since/", views.note_since, name="note_since"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/pull/", views.note_pull, name="note_pull"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/sign/", views.note_sign, name="note_sign"),
    path("clients/<uuid:client_id>/notes/<uuid:note_id>/addenda/", views.note_addendum, name="note_addendum"),
]

urlpatterns += [
    path("clients/<uuid:client_id>/treatment-plan/", plan_views.plan, name="plan"),
    path("clients/<uuid:client_id>/treatment-plan/scripts/", plan_views.plan_scripts, name="plan_scripts"),
    path("clients/<uuid:client_id>/treatment-plan/goals/new/", plan_views.goal_new, name="goal_new"),
    path("clients/<uuid:client_id>/treatment-plan/goals/<uuid:goal_id>/", plan_views.goal, name="goal"),
    path(
        "clients/<uuid:client_id>/treatment-plan/goals/<uuid:goal_id>/status/",
        plan_views.goal_status,
        name="goal_status",
    ),
    path(
        "clients/<uuid:client_id>/treatment-plan/goals/<uuid:goal_id>/ratings/", plan_views.goal_rate, name="goal_rate"
    ),
    path("portal/treatment-plan/", plan_views.my_plan, name="my_plan"),
    path("portal/treatment-plan/goals/<uuid:goal_id>/", plan_views.my_goal, name="my_goal"),
    path("practice/<int:practice_id>/clinical/", plan_views.practice_settings, name="practice_settings"),
]

urlpatterns += [
    path("clients/<uuid:client_id>/exposure/", exposure_views.exposure, name="exposure"),
    path(
        "clients/<uuid:client_id>/exposure/<uuid:situation_id>/",
        exposure_views.exposure_situation,
        name="exposure_situation",
    ),
    path(
        "clients/<uuid:client_id>/exposure/<uuid:situation_id>/homework/",
        exposure_views.exposure_homework,
        name="exposure_homework",
    ),
    path("portal/practice-ladder/", exposure_views.my_exposure, name="my_exposure"),
    path("portal/practice-ladder/<uuid:homework_id>/", exposure_views.my_practice, name="my_practice"),
]

urlpatterns += [
    path("clients/<uuid:client_id>/appointments/", appointment_views.appointments, name="appointments"),
    path(
        "clients/<uuid:client_id>/appointments/<uuid:appointment_id>/status/",
        appointment_views.appointment_status,
        name="appointment_status",
    ),
    path(
        "clients/<uuid:client_id>/appointments/<uuid:appointment_id>/move/",
        appointment_views.appointment_move,
        name="appointment_move",
    ),
    path("portal/sessions/", appointment_views.my_appointments, name="my_appointments"),
    path(
        "portal/sessions/<uuid:appointment_id>/appointment.ics",
        appointment_views.my_appointment_ics,
        name="my_appointment_ics",
    ),
]

urlpatterns += [
    path("clients/<uuid:client_id>/reviews/", review_views.reviews, name="reviews"),
    path("clients/<uuid:client_id>/reviews/<uuid:review_id>/", review_views.review_page, name="review"),
    path("portal/reviews/", review_views.my_reviews, name="my_reviews"),
    path("portal/reviews/<uuid:review_id>/", review_views.my_review, name="my_review"),
]

urlpatterns += [
    path("clients/<uuid:client_id>/reviews/<uuid:review_id>/pdf/", review_views.review_export, name="review_export"),
    path(
        "clients/<uuid:client_id>/review-pdfs/<uuid:export_id>/",
        review_views.review_export_status,
        name="review_export_status",
    ),
    path(
        "clients/<uuid:client_id>/review-pdfs/<uuid:export_id>/review.pdf",
        review_views.review_export_file,
        name="review_export_file",
    ),
]
