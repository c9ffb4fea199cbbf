"""An organisation's own pages, mounted at /organisatie/. Who may use each: `welfare.access`."""

from django.urls import path

from welfare import views

app_name = "welfare"

urlpatterns = [
    path("", views.my_organisation, name="mine"),
    path("<int:pk>/", views.dashboard, name="dashboard"),
    path("<int:pk>/bewerken/", views.organisation_edit, name="organisation_edit"),
    path("<int:pk>/locaties/nieuw/", views.location_create, name="location_create"),
    path("<int:pk>/aanbod/nieuw/", views.offer_create, name="offer_create"),
    path("<int:pk>/correcties/", views.corrections, name="corrections"),
    path("locaties/<int:pk>/bewerken/", views.location_edit, name="location_edit"),
    path("locaties/<int:pk>/verwijderen/", views.location_delete, name="location_delete"),
    path("aanbod/<int:pk>/bewerken/", views.offer_edit, name="offer_edit"),
    path("aanbod/<int:pk>/capaciteit/", views.offer_capacity, name="offer_capacity"),
    path("aanbod/<int:pk>/bevestigen/", views.offer_confirm, name="offer_confirm"),
    path("aanbod/<int:pk>/deactiveren/", views.offer_deactivate, name="offer_deactivate"),
    path("aanbod/<int:pk>/heractiveren/", views.offer_reactivate, name="offer_reactivate"),
    path("correcties/<int:pk>/toegepast/", views.correction_apply, name="correction_apply"),
    path("correcties/<int:pk>/afwijzen/", views.correction_dismiss, name="correction_dismiss"),
]
