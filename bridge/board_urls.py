"""The brokering board, the organisation inbox and collaborations, mounted at /samenwerking/
in the "bridge" namespace (bridge.urls)."""

from django.urls import path

from bridge import board_views, collaboration_views

urlpatterns = [
    path("makelaar/", board_views.board, name="board"),
    path(
        "makelaar/voorstellen/<int:need_pk>/<int:offer_pk>/",
        board_views.board_propose,
        name="board_propose",
    ),
    path("inbox/", board_views.inbox, name="inbox"),
    path("vragen/<int:pk>/aanvaarden/", board_views.request_accept, name="request_accept"),
    path("vragen/<int:pk>/weigeren/", board_views.request_decline, name="request_decline"),
    path("samenwerkingen/", collaboration_views.collaboration_list, name="collaborations"),
    path("samenwerkingen/<int:pk>/", collaboration_views.collaboration_detail, name="collaboration_detail"),
]
