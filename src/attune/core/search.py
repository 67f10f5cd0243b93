"""Search words stay out of URLs (SECURITY.md 14).

A client's words and clients' names typed into a search box would otherwise land in browser history, proxy and
server logs and Referer-less bookmarks. Lists therefore take their filters (kinds, dates, page numbers: nothing
anyone typed) from the query string, and the search words only from a POST body; a `q` in a URL is ignored.
Pagination of a searched list posts the search again (`templates/_pagination.html`).
"""

from __future__ import annotations

from django.http import HttpRequest, QueryDict

NOT_CARRIED = ("csrfmiddlewaretoken", "page")


def filter_data(request: HttpRequest) -> QueryDict | None:
    """What a filter form is bound to: the POST body for a search, the query string (without `q`) otherwise."""
    if request.method == "POST":
        return request.POST
    if not request.GET:
        return None
    data = request.GET.copy()
    data.pop("q", None)
    return data


def carried(data: QueryDict | None) -> tuple[str, list[tuple[str, str]]]:
    """How the next page carries the current filters: a query string without the search words, and, when there
    are search words, the fields to post again (the pagination is then a row of buttons in forms)."""
    if data is None:
        return "", []
    query = QueryDict(mutable=True)
    hidden: list[tuple[str, str]] = []
    for key in data:
        if key in NOT_CARRIED:
            continue
        for value in data.getlist(key):
            hidden.append((key, value))
            if key != "q" and value:
                query.appendlist(key, value)
    searched = any(k == "q" and v.strip() for k, v in hidden)
    return query.urlencode(), hidden if searched else []
