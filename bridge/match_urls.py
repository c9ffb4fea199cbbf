"""Matching for a school's need and the school side of match requests (bridge.match_views)."""

from django.urls import path

from bridge import match_views as views

urlpatterns = [
    path("noden/<int:need_pk>/partners/", views.need_matches, name="need_matches"),
    path("noden/<int:need_pk>/vraag/<int:offer_pk>/", views.ask_partner, name="ask_partner"),
    path("school/<int:school_pk>/proberen/", views.try_need, name="try_need"),
    path("school/<int:school_pk>/vragen/", views.school_requests, name="school_requests"),
    path("vragen/<int:pk>/", views.request_detail, name="request_detail"),
    path("vragen/<int:pk>/intrekken/", views.request_withdraw, name="request_withdraw"),
    path("vragen/<int:pk>/versturen/", views.request_send, name="request_send"),
]
