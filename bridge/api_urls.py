"""The JSON API, mounted at /api/v1/ (see bridge.api for what it answers)."""

from django.urls import path, re_path

from bridge import api, openapi

app_name = "api"

urlpatterns = [
    path("matches", api.matches, name="matches"),
    path("needs/<int:need_id>/matches", api.need_matches, name="need_matches"),
    path("openapi.json", openapi.document, name="openapi"),
    path("docs/", openapi.docs, name="docs"),
    # Last: every other address under the API answers a JSON 404, not the site's HTML page.
    re_path(r"^.*$", api.not_found),
]
