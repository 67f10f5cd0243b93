"""The printable plan and its PDF: only the parts the client picks. The relationship-safety part goes on paper only
after the client has read, and ticked, a note about where a printout is kept (PrintForm). The PDF is tagged
(WeasyPrint's pdf_tags), so a screen reader can follow its headings and lists; its file name says nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from attune.accounts.roles import user_of
from attune.core import policy
from attune.core.policy import Access
from attune.safetyplan import inputs, perms, queries
from attune.safetyplan.forms import PrintForm


def _chosen(access: Access, form: PrintForm) -> dict[str, Any]:
    parts = set(form.cleaned_data["parts"])
    page = queries.plan_page(access)
    return {
        "page": page,
        "steps": [s for s in page.steps if s.key in parts],
        "network": page.network if "network" in parts else [],
        "relationship": inputs.RELATIONSHIP_STEP in parts,
        "printed_on": timezone.localdate(),
    }


def choose(request: HttpRequest) -> HttpResponse:
    """Pick the parts; with a valid choice, the printable page itself (the browser's Print makes the paper)."""
    access = policy.own(user_of(request), perms.VIEW_PLAN)
    form = PrintForm(request.GET or None, initial={"parts": list(inputs.STEP_KEYS)})
    if form.is_bound and form.is_valid():
        return render(request, "safetyplan/print.html", {**_chosen(access, form), "query": request.GET.urlencode()})
    return render(request, "safetyplan/print_choose.html", {"form": form}, status=422 if form.errors else 200)


def pdf(request: HttpRequest) -> HttpResponse:
    access = policy.own(user_of(request), perms.VIEW_PLAN)
    form = PrintForm(request.GET or None)
    if not form.is_valid():
        return render(request, "safetyplan/print_choose.html", {"form": form}, status=422)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The document is self-contained (styles inline, the photo as data): it fetches nothing from anywhere.
    only_inline = URLFetcher(allowed_protocols={"data"})
    html = render_to_string("safetyplan/pdf.html", _chosen(access, form), request=request)
    document = HTML(string=html, url_fetcher=only_inline).write_pdf(pdf_tags=True)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="plan.pdf"'
    return response
