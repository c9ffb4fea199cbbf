"""The gap report for CLB staff, bridge figures, local governments and moderators (bridge.gaps)."""

import csv
from itertools import groupby

import django_filters
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from bridge.gaps import SMALL_COUNT, GapReport, GapScope, gap_report, gap_scope_for, shown_families
from families.models import FamilyNeed, LifeDomain, Urgency
from portal.models import Municipality

GAPS_PER_PAGE = 20
CSV_HEADER = ("gemeente", "nis_code", "levensdomein", "open_noden", "hiaten", "gedekt", "gezinnen_in_hiaten")


class GapFilter(django_filters.FilterSet):
    """Filters for the gap report; the needs and the municipalities offered start from the user's scope."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        field_name="school__municipality",
        queryset=Municipality.objects.none(),
        to_field_name="nis_code",
        empty_label=_("All municipalities"),
    )
    life_domain = django_filters.ModelChoiceFilter(
        label=_("Life domain"),
        field_name="life_domains",
        queryset=LifeDomain.objects.all(),
        to_field_name="slug",
        empty_label=_("All life domains"),
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"),
        choices=[(value, capfirst(label)) for value, label in Urgency.choices],
        empty_label=_("Any urgency"),
    )

    class Meta:
        model = FamilyNeed
        fields: list[str] = []

    def __init__(self, data=None, *, queryset, municipalities):
        super().__init__(data, queryset=queryset)
        self.filters["municipality"].queryset = municipalities
        self.form.fields["municipality"].queryset = municipalities

    @property
    def chosen_domain(self) -> LifeDomain | None:
        self.qs  # noqa: B018 - validates the form
        return (getattr(self.form, "cleaned_data", None) or {}).get("life_domain")

    @property
    def is_filtered(self) -> bool:
        self.qs  # noqa: B018 - validates the form
        return self.is_bound and any((getattr(self.form, "cleaned_data", None) or {}).values())


def _scope(request: HttpRequest) -> GapScope:
    scope = gap_scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _filtered_report(request: HttpRequest, scope: GapScope) -> tuple[GapFilter, GapReport]:
    gap_filter = GapFilter(request.GET or None, queryset=scope.needs(), municipalities=scope.municipalities())
    return gap_filter, gap_report(needs=gap_filter.qs)


def _table(report: GapReport, gap_filter: GapFilter, scope: GapScope) -> list[dict]:
    """The cells grouped by municipality, with the number of families as the viewer may see it."""
    domain = gap_filter.chosen_domain
    cells = report.cells_in(domain.slug if domain else None)
    table = []
    for _municipality_id, group in groupby(cells, key=lambda cell: cell.municipality_id):
        group = list(group)
        table.append(
            {
                "name": group[0].municipality_name,
                "nis_code": group[0].nis_code,
                "cells": [
                    {
                        "cell": cell,
                        "families": shown_families(cell.families_in_gaps, suppress=scope.suppress_small_counts),
                    }
                    for cell in group
                ],
            }
        )
    return table


@require_GET
@login_required
def gap_overview(request: HttpRequest) -> HttpResponse:
    """Open needs without a good partner, by municipality and life domain.

    A fixed number of queries whatever the number of needs (bridge.gaps.gap_report). Local
    governments get the table only; the others also the list of gap needs, a page at a time.
    """
    scope = _scope(request)
    gap_filter, report = _filtered_report(request, scope)
    lists_needs = scope.lists_needs
    gaps = scope.readable(report.gaps) if lists_needs else []
    page = Paginator(gaps, GAPS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": gap_filter,
        "is_filtered": gap_filter.is_filtered,
        "report": report,
        "table": _table(report, gap_filter, scope),
        "scope": scope,
        "lists_needs": lists_needs,
        "page_obj": page,
        "families_in_gaps": shown_families(report.families_in_gaps, suppress=scope.suppress_small_counts),
        "small_count": SMALL_COUNT,
    }
    template = "bridge/gaps/overview.html#results" if request.htmx else "bridge/gaps/overview.html"
    return render(request, template, context)


@require_GET
@login_required
def gap_csv(request: HttpRequest) -> HttpResponse:
    """The table of the gap report as CSV for a spreadsheet: UTF-8 with a byte order mark, so that
    Excel reads the accents right; small numbers of families hidden as on the page."""
    scope = _scope(request)
    gap_filter, report = _filtered_report(request, scope)
    domain = gap_filter.chosen_domain
    filename = f"brugwijzer-hiaten-{timezone.localdate().isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for cell in report.cells_in(domain.slug if domain else None):
        writer.writerow(
            (
                cell.municipality_name,
                cell.nis_code,
                cell.domain_name,
                cell.open_needs,
                cell.gaps,
                cell.covered,
                shown_families(cell.families_in_gaps, suppress=scope.suppress_small_counts),
            )
        )
    return response
