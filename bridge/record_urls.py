"""The collaboration record, mounted at /afspraak/ (bridge.record_views)."""

from django.urls import path

from bridge import record_views as views

app_name = "record"

urlpatterns = [
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/waarom/", views.edit_why, name="edit_why"),
    path("<int:pk>/voorwaarden/", views.edit_conditions, name="edit_conditions"),
    path("<int:pk>/rollen/", views.edit_roles, name="edit_roles"),
    path("<int:pk>/status/", views.change_status, name="status"),
    path("<int:pk>/leerlogboek/nieuw/", views.learning_add, name="learning_add"),
    path("<int:pk>/samenwerkingsafspraak/", views.agreement, name="agreement"),
]
