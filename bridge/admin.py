from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from bridge.models import (
    CLB,
    Barrier,
    BridgeFigure,
    CLBSchool,
    Collaboration,
    CollaborationCondition,
    CollaborationRole,
    LearningEntry,
    MatchRequest,
)


class CLBSchoolInline(admin.TabularInline):
    model = CLBSchool
    extra = 0
    autocomplete_fields = ("school",)
    verbose_name = _("school served")
    verbose_name_plural = _("schools served")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("clb", "school")


@admin.register(CLB)
class CLBAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "municipality", "school_count", "email", "phone")
    list_filter = ("network",)
    search_fields = ("name", "email", "municipality__name_nl")
    autocomplete_fields = ("municipality",)
    list_select_related = ("municipality",)
    inlines = (CLBSchoolInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(school_count=Count("assignments"))

    @admin.display(description=_("schools"), ordering="school_count")
    def school_count(self, obj):
        return obj.school_count


@admin.register(CLBSchool)
class CLBSchoolAdmin(admin.ModelAdmin):
    list_display = ("school", "institution_number", "clb")
    list_filter = ("clb__network",)
    search_fields = ("school__name", "=school__institution_number", "clb__name")
    autocomplete_fields = ("clb", "school")
    list_select_related = ("clb", "school")
    ordering = ("school__name",)

    @admin.display(description=_("institution number"), ordering="school__institution_number")
    def institution_number(self, obj):
        return obj.school.institution_number


@admin.register(BridgeFigure)
class BridgeFigureAdmin(admin.ModelAdmin):
    list_display = ("user", "email", "employer", "school_count", "created_at")
    search_fields = ("user__email", "user__full_name", "employer__name", "schools__name")
    autocomplete_fields = ("user", "employer", "schools")
    list_select_related = ("user", "employer")
    readonly_fields = ("created_at",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(school_count=Count("schools"))

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description=_("schools"), ordering="school_count")
    def school_count(self, obj):
        return obj.school_count


@admin.register(MatchRequest)
class MatchRequestAdmin(admin.ModelAdmin):
    list_display = ("need", "school", "offer", "organisation", "status", "decline_reason", "created_at", "answered_at")
    list_filter = ("status", "decline_reason", "school_agreed")
    search_fields = ("need__title", "need__school__name", "offer__name", "offer__organisation__name")
    autocomplete_fields = ("need", "offer", "proposed_by", "answered_by")
    list_select_related = ("need__school", "offer__organisation")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("need", "offer", "proposed_by", "school_agreed", "message", "status")}),
        (_("Answer"), {"fields": ("answered_by", "answered_at", "decline_reason", "decline_note")}),
        (_("History"), {"fields": ("created_at", "sent_at", "reminded_at", "updated_at")}),
    )

    @admin.display(description=_("school"), ordering="need__school__name")
    def school(self, obj):
        return obj.need.school

    @admin.display(description=_("organisation"), ordering="offer__organisation__name")
    def organisation(self, obj):
        return obj.offer.organisation


class CollaborationConditionInline(admin.TabularInline):
    model = CollaborationCondition
    extra = 0


class CollaborationRoleInline(admin.StackedInline):
    model = CollaborationRole
    extra = 0


class LearningEntryInline(admin.StackedInline):
    model = LearningEntry
    extra = 0
    raw_id_fields = ("author",)
    readonly_fields = ("created_at",)


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    list_display = ("title", "school", "form", "status", "start_date", "end_date", "review_date", "broker")
    list_filter = ("status", "form", "life_domains")
    inlines = (CollaborationConditionInline, CollaborationRoleInline, LearningEntryInline)
    search_fields = ("title", "school__name", "organisations__name")
    autocomplete_fields = ("school", "organisations", "needs", "match_request", "broker")
    filter_horizontal = ("life_domains",)
    list_select_related = ("school", "broker")
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "start_date"
    fieldsets = (
        (None, {"fields": ("title", "school", "organisations", "form", "status", "broker")}),
        (_("Why"), {"fields": ("needs", "life_domains", "urgency", "goals", "match_request")}),
        (_("Dates"), {"fields": ("start_date", "end_date", "review_date", "review_reminded_at")}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(CollaborationCondition)
class CollaborationConditionAdmin(admin.ModelAdmin):
    list_display = ("collaboration", "kind", "state")
    list_filter = ("kind", "state")
    list_select_related = ("collaboration",)
    raw_id_fields = ("collaboration",)


@admin.register(CollaborationRole)
class CollaborationRoleAdmin(admin.ModelAdmin):
    list_display = ("collaboration", "actor")
    list_filter = ("actor",)
    list_select_related = ("collaboration",)
    raw_id_fields = ("collaboration",)


@admin.register(LearningEntry)
class LearningEntryAdmin(admin.ModelAdmin):
    list_display = ("collaboration", "author_side", "author", "created_at")
    list_filter = ("author_side",)
    list_select_related = ("collaboration", "author")
    raw_id_fields = ("collaboration", "author")
    date_hierarchy = "created_at"


@admin.register(Barrier)
class BarrierAdmin(admin.ModelAdmin):
    list_display = ("kind", "municipality", "school", "reported_by", "created_at")
    list_filter = ("kind",)
    search_fields = ("note", "municipality__name_nl", "school__name")
    list_select_related = ("municipality", "school", "reported_by")
    autocomplete_fields = ("municipality", "school")
    raw_id_fields = ("reported_by",)
    date_hierarchy = "created_at"
