from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("aanbod/", include("welfare.directory_urls")),
    path("hulp/", include("families.help_urls")),
    path("organisatie/", include("welfare.urls")),
    path("school/", include("schools.urls")),
    path("noden/", include("families.urls")),
    path("lidmaatschap/", include("portal.membership_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]
