"""Progress reviews: the care team writes a review of an episode and reads its clinical version (or previews the
client's); the client reads her own version, in plain words, in the portal. Each view reaches the record through
the policy first; the client only ever gets the client version."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from attune.accounts.roles import user_of
from attune.care.records import record_of
from attune.clinical import exports, perms, review, services
from attune.clinical.forms import ReviewForm
from attune.clinical.models import LEVELS, ProgressReview, ReviewExport
from attune.core import forms as shared_forms
from attune.core import policy
from attune.core.policy import Access

WORDS = {score: words for score, _, words in LEVELS}


def _reviews(access: Access) -> QuerySet[ProgressReview]:
    return policy.scoped(access, ProgressReview.objects.all()).select_related("episode", "author")


@require_http_methods(["GET", "POST"])
def reviews(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    if request.method == "GET" and access.is_self:
        return redirect("clinical:my_reviews")
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        access.require(perms.WRITE_REVIEWS)
        if form.is_valid():
            try:
                written = services.write_review(access, **form.cleaned_data)
            except ValidationError as exc:
                shared_forms.add_errors(form, exc)
            else:
                messages.success(request, "The review is saved.")
                return redirect("clinical:review", client_id=access.client_id, review_id=written.pk)
    page = Paginator(_reviews(access), 20).get_page(request.GET.get("page"))
    access.shown("ProgressReview", [r.pk for r in page.object_list], perms.VIEW_REVIEWS)
    context = {"client": record_of(access), "page": page, "form": form if access.can(perms.WRITE_REVIEWS) else None}
    return render(request, "clinical/reviews.html", context, status=422 if form.errors else 200)


def _render(request: HttpRequest, access: Access, found: ProgressReview, *, clinical: bool) -> HttpResponse:
    context = {
        "client": record_of(access),
        "review": found,
        "figures": review.figures(access, found, clinical=clinical),
        "words": WORDS,
        "clinical": clinical,
    }
    template = "clinical/review_clinical.html" if clinical else "clinical/review_client.html"
    return render(request, template, context)


def review_page(request: HttpRequest, client_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    found = policy.row_of(access, _reviews(access), review_id, perms.VIEW_REVIEWS, entity="ProgressReview")
    if access.is_self:
        return redirect("clinical:my_review", review_id=found.pk)
    return _render(request, access, found, clinical=request.GET.get("audience") != "client")


def my_reviews(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_REVIEWS)
    rows = list(_reviews(access)[:50])
    access.shown("ProgressReview", [r.pk for r in rows], perms.VIEW_REVIEWS)
    return render(request, "clinical/my_reviews.html", {"reviews": rows})


def my_review(request: HttpRequest, review_id: uuid.UUID) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_REVIEWS)
    found = policy.row_of(access, _reviews(access), review_id, perms.VIEW_REVIEWS, entity="ProgressReview")
    return _render(request, access, found, clinical=False)


# --- PDFs -------------------------------------------------------------------------------------------------------


def _exports(access: Access) -> QuerySet[ReviewExport]:
    return policy.scoped(access, ReviewExport.objects.all())


@require_POST
def review_export(request: HttpRequest, client_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    found = policy.row_of(access, _reviews(access), review_id, perms.VIEW_REVIEWS, entity="ProgressReview")
    audience = "client" if access.is_self else request.POST.get("audience", "client")
    export = services.request_export(access, found, audience)
    return redirect("clinical:review_export_status", client_id=access.client_id, export_id=export.pk)


def review_export_status(request: HttpRequest, client_id: uuid.UUID, export_id: uuid.UUID) -> HttpResponse:
    """Progress of a PDF being made; the page refreshes itself until the file is ready."""
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    found = policy.row_of(access, _exports(access).select_related("review"), export_id, perms.VIEW_REVIEWS,
                          entity="ReviewExport")  # fmt: skip
    if "application/json" in request.headers.get("Accept", ""):
        # For the page's script, which asks until the file is ready.
        done = found.status == ReviewExport.Status.DONE
        file = reverse("clinical:review_export_file", args=[access.client_id, found.pk]) if done else ""
        return JsonResponse({"status": found.status, "file": file})
    return render(request, "clinical/review_export.html", {"client": record_of(access), "export": found})


def review_export_file(request: HttpRequest, client_id: uuid.UUID, export_id: uuid.UUID) -> HttpResponse:
    access = policy.client(user_of(request), client_id, perms.VIEW_REVIEWS)
    found = policy.row_of(access, _exports(access), export_id, perms.VIEW_REVIEWS, entity="ReviewExport")
    if found.status != ReviewExport.Status.DONE:
        raise Http404("Not ready")
    response = HttpResponse(exports.pdf_of(found), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="review.pdf"'
    return response
