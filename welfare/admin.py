from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from portal.admin import VerifiedListFilter
from portal.validators import normalise_kbo, validate_kbo
from welfare.models import ACCESS_MODES, Location, Offer, OfferCorrection, Organisation, OrganisationKind


@admin.register(OrganisationKind)
class OrganisationKindAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "organisation_count")
    list_editable = ("position",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("position", "name")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(organisation_count=Count("organisations"))

    @admin.display(description=_("organisations"), ordering="organisation_count")
    def organisation_count(self, obj):
        return obj.organisation_count


class OrganisationForm(forms.ModelForm):
    """Accepts a KBO number as people write it (0403.170.701, BE 0403 170 701, 403170701)
    and stores the ten digits."""

    kbo_number = forms.CharField(
        label=_("KBO number"),
        max_length=20,
        required=False,
        help_text=_("Company number in the Crossroads Bank for Enterprises, if the organisation has one."),
    )

    class Meta:
        model = Organisation
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)

    def clean_kbo_number(self):
        value = (self.cleaned_data.get("kbo_number") or "").strip()
        if not value:
            return ""
        validate_kbo(value)
        return normalise_kbo(value)


class LocationInline(admin.StackedInline):
    model = Location
    extra = 0
    autocomplete_fields = ("municipality",)
    fields = (("name", "external_id"), "street", ("postal_code", "municipality"), ("latitude", "longitude"))
    show_change_link = True


class OfferInline(admin.TabularInline):
    """Quick view of an organisation's offers; a new offer is added on its own page."""

    model = Offer
    extra = 0
    fields = ("name", "is_active", "capacity", "waiting_weeks", "last_confirmed")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationForm
    list_display = ("name", "kind", "kbo_number", "email", "is_verified", "created_at")
    list_filter = (VerifiedListFilter, "kind")
    search_fields = ("name", "^kbo_number", "=external_id", "email")
    autocomplete_fields = ("verified_by", "registered_by")
    list_select_related = ("kind",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "kind", "description", "kbo_number", "external_id")}),
        (_("Contact"), {"fields": ("website", "email", "phone")}),
        (_("Verification"), {"fields": ("verified_at", "verified_by", "declined_at", "decline_reason")}),
        (_("History"), {"fields": ("registered_by", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (LocationInline, OfferInline)

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def is_verified(self, obj):
        return obj.is_verified


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "street", "postal_code", "municipality")
    list_filter = ("municipality__province_name",)
    search_fields = ("name", "street", "^postal_code", "organisation__name", "municipality__name_nl")
    autocomplete_fields = ("organisation", "municipality")
    list_select_related = ("organisation", "municipality")


class AccessModeFilter(admin.SimpleListFilter):
    title = _("access")
    parameter_name = "access"

    def lookups(self, request, model_admin):
        return [(code, label) for _field, code, label in ACCESS_MODES]

    def queryset(self, request, queryset):
        for field, code, _label in ACCESS_MODES:
            if self.value() == code:
                return queryset.filter(**{field: True})
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = _("up to date")
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("no", _("Confirmed recently")), ("yes", _("Needs confirming"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.stale()
        if self.value() == "no":
            return queryset.exclude(pk__in=Offer.objects.stale().values("pk"))
        return queryset


class OfferForm(forms.ModelForm):
    class Meta:
        model = Offer
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)

    def clean(self):
        cleaned = super().clean()
        organisation, locations = cleaned.get("organisation"), cleaned.get("locations")
        if organisation and locations:
            foreign = [loc for loc in locations if loc.organisation_id != organisation.pk]
            if foreign:
                self.add_error(
                    "locations",
                    _("These locations belong to another organisation: %(locations)s")
                    % {"locations": ", ".join(str(loc) for loc in foreign)},
                )
        return cleaned


class OfferCorrectionInline(admin.TabularInline):
    model = OfferCorrection
    extra = 0
    fields = ("created_at", "suggested_by", "message", "status", "decided_by", "decided_at")
    readonly_fields = ("created_at", "suggested_by", "message")
    autocomplete_fields = ("decided_by",)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("suggested_by", "decided_by")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    form = OfferForm
    list_display = ("name", "organisation", "cost", "capacity", "is_active", "last_confirmed", "is_stale")
    list_filter = ("is_active", StaleFilter, "capacity", "cost", AccessModeFilter, "organisation__kind", "life_domains")
    search_fields = ("name", "organisation__name", "=external_id")
    autocomplete_fields = ("organisation", "service_area", "locations")
    filter_horizontal = ("life_domains", "languages")
    list_select_related = ("organisation",)
    readonly_fields = ("created_at", "updated_at")
    inlines = (OfferCorrectionInline,)
    fieldsets = (
        (None, {"fields": ("organisation", "name", "description", "next_steps")}),
        (_("For whom"), {"fields": ("life_domains", ("age_min", "age_max"), "languages")}),
        (_("Cost"), {"fields": ("cost", "cost_note")}),
        (
            _("Access"),
            {
                "fields": (
                    "access_walk_in",
                    "access_appointment",
                    "access_outreach",
                    "access_at_school",
                    "access_online",
                )
            },
        ),
        (_("Where"), {"fields": ("service_area", "locations")}),
        (_("Capacity"), {"fields": ("capacity", "waiting_weeks")}),
        (_("Status"), {"fields": ("is_active", "last_confirmed", "external_id")}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description=_("needs confirming"), boolean=True, ordering="last_confirmed")
    def is_stale(self, obj):
        return obj.is_stale


@admin.register(OfferCorrection)
class OfferCorrectionAdmin(admin.ModelAdmin):
    list_display = ("offer", "organisation", "short_message", "status", "suggested_by", "created_at", "decided_at")
    list_filter = ("status",)
    search_fields = ("message", "offer__name", "offer__organisation__name", "suggested_by__email")
    autocomplete_fields = ("offer", "suggested_by", "decided_by")
    list_select_related = ("offer__organisation", "suggested_by")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"
    fields = ("offer", "suggested_by", "message", "created_at", "status", "decided_by", "decided_at")

    @admin.display(description=_("organisation"), ordering="offer__organisation__name")
    def organisation(self, obj):
        return obj.offer.organisation

    @admin.display(description=_("what is not correct"))
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 80 else obj.message[:79] + "…"
