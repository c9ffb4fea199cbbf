"""The admin (/beheer/) for people, memberships, geography and the audit log.

Geography and languages are reference data loaded by `load_reference_data`, memberships are
decided in the portal itself and the audit log is append-only: all of them are read-only here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.models import ApiToken, AuditEvent, Language, Membership, Municipality, PostalCode, User


class ReadOnlyAdminMixin:
    """View-only for everyone, superusers included: no add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VerifiedListFilter(admin.SimpleListFilter):
    """Where a registration stands, for models with `verified_at` and `declined_at` (schools,
    welfare organisations)."""

    title = _("verification")
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("verified", _("verified")), ("awaiting", _("awaiting verification")), ("declined", _("declined"))]

    def queryset(self, request, queryset):
        if self.value() == "verified":
            return queryset.filter(verified_at__isnull=False)
        if self.value() == "awaiting":
            return queryset.filter(verified_at__isnull=True, declined_at__isnull=True)
        if self.value() == "declined":
            return queryset.filter(verified_at__isnull=True, declined_at__isnull=False)
        return queryset


# --- users ------------------------------------------------------------------------------------


class UserCreationForm(AdminUserCreationForm):
    """Create a user from an e-mail address (there is no username) and an optional password."""

    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data.get("email") or "").strip().lower()
        if email and User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this e-mail address already exists."), code="unique")
        return email


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data.get("email") or "").strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A user with this e-mail address already exists."), code="unique")
        return email


class UserMembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    fields = ("school", "organisation", "clb", "municipality", "role", "status", "created_at", "decided_at")
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("memberships")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school", "organisation", "clb", "municipality")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "job_title")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_moderator", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("email", "full_name", "job_title", "is_active", "is_moderator", "is_staff", "last_login")
    list_filter = ("is_active", "is_moderator", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "full_name", "job_title")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    filter_horizontal = ("groups", "user_permissions")
    inlines = (UserMembershipInline,)

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()


# --- geography and languages (reference data) -------------------------------------------------


class PostalCodeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PostalCode
    fields = ("code",)
    readonly_fields = ("code",)
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name_nl", "name_fr", "nis_code", "province_name", "region")
    list_filter = ("region", "province_name")
    search_fields = ("name_nl", "name_fr", "=nis_code")
    search_help_text = _("Search by Dutch or French name, or the exact NIS code.")
    ordering = ("name_nl",)
    inlines = (PostalCodeInline,)


@admin.register(PostalCode)
class PostalCodeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "municipality", "province")
    list_filter = ("municipality__region", "municipality__province_name")
    search_fields = ("^code", "municipality__name_nl", "municipality__name_fr")
    list_select_related = ("municipality",)
    ordering = ("code", "municipality__name_nl")

    @admin.display(description=_("province"), ordering="municipality__province_name")
    def province(self, obj):
        return obj.municipality.province_name


@admin.register(Language)
class LanguageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name_nl", "name_en", "code")
    search_fields = ("name_nl", "name_en", "=code")
    ordering = ("name_nl",)


# --- memberships ------------------------------------------------------------------------------

ENTITY_FIELDS = ("school", "organisation", "clb", "municipality")
KIND_LABELS = {
    "school": _("school"),
    "organisation": _("welfare organisation"),
    "clb": _("CLB"),
    "municipality": _("local government"),
}


class MembershipKindFilter(admin.SimpleListFilter):
    title = _("place")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return list(KIND_LABELS.items())

    def queryset(self, request, queryset):
        if self.value() in ENTITY_FIELDS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "entity_display", "kind_display", "role", "status", "created_at", "decided_at")
    list_filter = ("status", "role", MembershipKindFilter)
    search_fields = (
        "user__email",
        "user__full_name",
        "school__name",
        "organisation__name",
        "clb__name",
        "municipality__name_nl",
    )
    list_select_related = ("user", *ENTITY_FIELDS)
    date_hierarchy = "created_at"
    fields = ("user", *ENTITY_FIELDS, "role", "status", "created_at", "decided_at", "decided_by")

    @admin.display(description=_("place"))
    def entity_display(self, obj):
        return obj.entity

    @admin.display(description=_("kind of place"))
    def kind_display(self, obj):
        return KIND_LABELS.get(obj.kind, "")


# --- audit log --------------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("actor_label", "object_repr", "=object_id")
    list_select_related = ("content_type",)
    date_hierarchy = "created_at"
    fields = ("created_at", "actor", "actor_label", "action", "content_type", "object_id", "object_link", "changes")
    readonly_fields = ("object_link",)

    @admin.display(description=_("object"))
    def object_link(self, obj):
        viewname = f"admin:{obj.content_type.app_label}_{obj.content_type.model}_change"
        try:
            url = reverse(viewname, args=[obj.object_id])
        except NoReverseMatch:  # a model without an admin
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; staff can only see and revoke them (never the key)."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__email", "=prefix")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
