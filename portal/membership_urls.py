from django.urls import path

from portal import membership_views as views

app_name = "membership"

urlpatterns = [
    path("", views.join, name="join"),
    path("aanvragen/", views.request_membership, name="request"),
    path("aanvraag/<int:pk>/intrekken/", views.withdraw, name="withdraw"),
    path("organisatie-registreren/", views.register_organisation, name="register_organisation"),
    path("school-registreren/", views.register_school, name="register_school"),
    path("leden/", views.members, name="members"),
    path("leden/<str:kind>/<int:pk>/", views.entity_members, name="entity_members"),
    path("lid/<int:pk>/goedkeuren/", views.approve, name="approve"),
    path("lid/<int:pk>/weigeren/", views.decline, name="decline"),
    path("lid/<int:pk>/rol/", views.set_role, name="set_role"),
    path("lid/<int:pk>/verwijderen/", views.remove, name="remove"),
    path("moderatie/", views.moderation, name="moderation"),
    path("moderatie/organisatie/<int:pk>/", views.review_organisation, name="review_organisation"),
    path("moderatie/organisatie/<int:pk>/verifieren/", views.verify_organisation, name="verify_organisation"),
    path("moderatie/organisatie/<int:pk>/weigeren/", views.decline_organisation, name="decline_organisation"),
    path("moderatie/school/<int:pk>/", views.review_school, name="review_school"),
    path("moderatie/school/<int:pk>/verifieren/", views.verify_school, name="verify_school"),
    path("moderatie/school/<int:pk>/weigeren/", views.decline_school, name="decline_school"),
]
