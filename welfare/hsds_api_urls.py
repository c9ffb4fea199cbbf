"""The read-only HSDS API, mounted at /api/hsds/ (see welfare.hsds_api for what it answers).

Addresses follow the HSDS OpenAPI description (no trailing slash); one is accepted too."""

from django.urls import re_path

from welfare import hsds_api as api

app_name = "hsds"

urlpatterns = [
    re_path(r"^$", api.root, name="root"),
    re_path(r"^services/?$", api.services, name="services"),
    re_path(r"^services/(?P<id>[^/]+)/?$", api.service, name="service"),
    re_path(r"^organizations/?$", api.organizations, name="organizations"),
    re_path(r"^organizations/(?P<id>[^/]+)/?$", api.organization, name="organization"),
    re_path(r"^taxonomies/?$", api.taxonomies, name="taxonomies"),
    re_path(r"^taxonomies/(?P<id>[^/]+)/?$", api.taxonomy, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", api.taxonomy_terms, name="taxonomy_terms"),
    re_path(r"^taxonomy_terms/(?P<id>[^/]+)/?$", api.taxonomy_term, name="taxonomy_term"),
    # Last: every other address under the API answers a JSON 404, not the site's HTML page.
    re_path(r"^.*$", api.not_found),
]
