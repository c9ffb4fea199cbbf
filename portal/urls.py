from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from portal import views

# The admin login goes through allauth, so a second factor and rate limits apply there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("aanbod/", include("welfare.directory_urls")),
    path("hulp/", include("families.help_urls")),
    path("organisatie/", include("welfare.urls")),
    path("school/", include("schools.urls")),
    path("noden/", include("families.urls")),
    path("lidmaatschap/", include("portal.membership_urls")),
    path("hiaten/", include("bridge.gap_urls")),
    path("samenwerking/", include("bridge.urls")),
    path("kaart/", include("bridge.map_urls")),
    path("gemeente/", include("bridge.dashboard_urls")),
    path("afspraak/", include("bridge.record_urls")),
    # Switching the interface language changes nothing that matters to an attacker; exempting it
    # lets anonymous pages (the family help page above all) set no cookie at all.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("account/tokens/", include("portal.token_urls")),
    path("account/gegevens/", include("portal.account_urls")),
    path("account/", include("allauth.urls")),
    path("beheer-data/", include("portal.data_urls")),
    path("beheer/", admin.site.urls),
    path("api/v1/", include("bridge.api_urls")),
    path("api/hsds/", include("welfare.hsds_api_urls")),
    path("healthz", views.healthz, name="healthz"),
]
