from django.urls import path

from families import help_views

app_name = "help"

urlpatterns = [
    path("", help_views.index, name="index"),
]
