from django.urls import include, path

from attune.api.main import api
from attune.core import views as core_views
from attune.workspace import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("account/", include("attune.accounts.urls")),
    path("practice/", include("attune.care.practice_urls")),
    path("", include("attune.workspace.urls")),
    path("", include("attune.care.urls")),
    path("", include("attune.diary.urls")),
    path("", include("attune.skills.urls")),
    path("", include("attune.learn.urls")),
    path("", include("attune.questionnaires.urls")),
    path("", include("attune.consent.urls")),
    path("", include("attune.privacy.urls")),
    path("", include("attune.monitoring.urls")),
    path("", include("attune.intake.urls")),
    path("", include("attune.safetyplan.urls")),
    path("", include("attune.notify.urls")),
    path("", include("attune.couples.urls")),
    path("", include("attune.clinical.urls")),
    path("api/v1/", api.urls),
]
