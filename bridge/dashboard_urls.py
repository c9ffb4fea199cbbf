"""The municipality dashboard, barriers and the bridge views, mounted at /gemeente/ ("dashboard")."""

from django.urls import path, re_path

from bridge import dashboard_views as views

app_name = "dashboard"

NIS = r"(?P<nis_code>[0-9]{5})"

urlpatterns = [
    path("", views.index, name="index"),
    path("school/<int:school_pk>/brug/", views.school_bridge, name="school_bridge"),
    re_path(rf"^{NIS}/$", views.municipality, name="municipality"),
    re_path(rf"^{NIS}/drempel/$", views.barrier_create, name="barrier_create"),
    re_path(rf"^{NIS}/brug/$", views.municipality_bridge, name="municipality_bridge"),
]
