from django.urls import path

from welfare import directory_views as views

app_name = "directory"

urlpatterns = [
    path("", views.offer_list, name="list"),
    path("<int:pk>/", views.offer_detail, name="offer"),
    path("<int:pk>/correctie/", views.offer_suggest_correction, name="suggest_correction"),
    path("organisatie/<int:pk>/", views.organisation_detail, name="organisation"),
    path("bewaarlijst/", views.shortlist_view, name="shortlist"),
    path("bewaarlijst/<int:pk>/", views.shortlist_toggle, name="shortlist_toggle"),
    path("bewaarlijst/afdrukken/", views.shortlist_print, name="shortlist_print"),
    path("bewaarlijst/versturen/", views.shortlist_send, name="shortlist_send"),
    path("bewaarlijst/leegmaken/", views.shortlist_clear, name="shortlist_clear"),
]
