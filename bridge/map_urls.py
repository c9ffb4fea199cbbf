"""The collaboration map, mounted at /kaart/ in the "map" namespace."""

from django.urls import path

from bridge import map_views

app_name = "map"

urlpatterns = [
    path("", map_views.index, name="index"),
    path("lijst/", map_views.map_list, name="list"),
    path("data.geojson", map_views.data, name="data"),
]
