from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import VerifiedListFilter
from schools.models import School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "institution_number",
        "municipality",
        "postal_code",
        "network",
        "levels_display",
        "is_verified",
    )
    list_filter = (
        VerifiedListFilter,
        "network",
        "level_kleuter",
        "level_lager",
        "level_buitengewoon",
        "level_secundair",
        "municipality__province_name",
    )
    search_fields = ("name", "=institution_number", "^postal_code", "municipality__name_nl", "contact_email")
    search_help_text = _("Search by name, exact institution number, postal code, municipality or e-mail.")
    autocomplete_fields = ("municipality", "verified_by", "registered_by")
    list_select_related = ("municipality",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "institution_number", "network")}),
        (_("Levels"), {"fields": ("level_kleuter", "level_lager", "level_buitengewoon", "level_secundair")}),
        (_("Address"), {"fields": ("street", "postal_code", "municipality", "latitude", "longitude")}),
        (_("Contact"), {"fields": ("website", "contact_email", "phone")}),
        (_("Verification"), {"fields": ("verified_at", "verified_by", "declined_at", "decline_reason")}),
        (_("History"), {"fields": ("registered_by", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description=_("levels"))
    def levels_display(self, obj):
        return ", ".join(obj.levels)

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def is_verified(self, obj):
        return obj.is_verified
