"""The signed-in user's own data and an entity's audit trail, mounted at /account/gegevens/."""

from django.urls import path

from portal import account_views as views

app_name = "myaccount"

urlpatterns = [
    path("", views.index, name="index"),
    path("download/", views.download, name="download"),
    path("verwijderen/", views.delete, name="delete"),
    path("audit/<str:kind>/<int:pk>/", views.entity_audit, name="entity_audit"),
]
