"""The moderators' data import and export pages, mounted at /beheer-data/."""

from django.urls import path

from portal import data_views

app_name = "data"

urlpatterns = [
    path("", data_views.index, name="index"),
    path("scholen/", data_views.schools_upload, name="schools_upload"),
    path("scholen/<str:token>/", data_views.schools_preview, name="schools_preview"),
    path("scholen/<str:token>/bevestigen/", data_views.schools_confirm, name="schools_confirm"),
    path("hsds/", data_views.hsds_upload, name="hsds_upload"),
    path("hsds/export/", data_views.hsds_export, name="hsds_export"),
    path("hsds/<str:token>/", data_views.hsds_preview, name="hsds_preview"),
    path("hsds/<str:token>/bevestigen/", data_views.hsds_confirm, name="hsds_confirm"),
    path("upload/<str:token>/weggooien/", data_views.discard, name="discard"),
    path("import/<str:job_id>/", data_views.job, name="job"),
]
