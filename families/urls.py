from django.urls import path

from families import views

app_name = "families"

urlpatterns = [
    path("school/<int:school_pk>/", views.need_list, name="school_needs"),
    path("school/<int:school_pk>/nieuw/", views.need_create, name="need_create"),
    path("<int:pk>/", views.need_detail, name="need_detail"),
    path("<int:pk>/bewerken/", views.need_edit, name="need_edit"),
    path("<int:pk>/aangepakt/", views.need_mark_addressed, name="need_mark_addressed"),
    path("<int:pk>/intrekken/", views.need_withdraw, name="need_withdraw"),
    path("<int:pk>/heropenen/", views.need_reopen, name="need_reopen"),
]
