from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("<int:pk>/", views.school_detail, name="detail"),
    path("<int:pk>/bewerken/", views.school_edit, name="edit"),
]
