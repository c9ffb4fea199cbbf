from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from families.models import FamilyNeed, LifeDomain


@admin.register(LifeDomain)
class LifeDomainAdmin(admin.ModelAdmin):
    """Read-only: the life domains are a fixed set (LIFE_DOMAIN_SLUGS) that `load_reference_data`
    creates and keeps up to date, so a change made here would be undone by the next load."""

    list_display = ("name", "slug", "description", "icon", "position")
    search_fields = ("name", "slug")
    ordering = ("position", "name")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FamilyNeed)
class FamilyNeedAdmin(admin.ModelAdmin):
    list_display = ("title", "school", "family_count", "age_range", "urgency", "status", "created_at")
    list_filter = ("status", "urgency", "life_domains", "school__municipality__province_name")
    search_fields = ("title", "school__name", "=school__institution_number")
    autocomplete_fields = ("school", "created_by")
    filter_horizontal = ("life_domains", "home_languages")
    list_select_related = ("school",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("school", "title", "description", "status")}),
        (
            _("Families"),
            {"fields": ("life_domains", "family_count", ("age_min", "age_max"), "home_languages", "urgency")},
        ),
        (
            _("Preferences"),
            {
                "fields": (
                    "prefers_free",
                    "prefers_at_school",
                    "prefers_outreach",
                    "prefers_walk_in",
                    "prefers_no_waiting_list",
                )
            },
        ),
        (_("History"), {"fields": ("created_by", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description=_("ages"))
    def age_range(self, obj):
        if obj.age_min is None and obj.age_max is None:
            return ""
        return f"{'' if obj.age_min is None else obj.age_min}–{'' if obj.age_max is None else obj.age_max}"
