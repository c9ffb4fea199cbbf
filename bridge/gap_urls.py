from django.urls import path

from bridge import gap_views as views

app_name = "gaps"

urlpatterns = [
    path("", views.gap_overview, name="overview"),
    path("csv/", views.gap_csv, name="csv"),
]
