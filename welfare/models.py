"""The welfare sphere (welzijnsveld): organisations, where they are and what they offer."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import COORDINATES_VALID
from portal.validators import kbo_is_valid, normalise_kbo, validate_kbo


class OrganisationKind(models.Model):
    """CAW, OCMW/Sociaal Huis, Huis van het Kind, … kept as data so a region can add its own."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("organisation kind")
        verbose_name_plural = _("organisation kinds")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified_at__isnull=False)

    def awaiting_verification(self):
        return self.filter(verified_at__isnull=True, declined_at__isnull=True)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.ForeignKey(
        OrganisationKind, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("kind")
    )
    description = models.TextField(_("description"), blank=True)
    kbo_number = models.CharField(
        _("KBO number"),
        max_length=10,
        blank=True,
        validators=[validate_kbo],
        help_text=_("Company number in the Crossroads Bank for Enterprises, if the organisation has one."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("welfare organisation")
        verbose_name_plural = _("welfare organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.UniqueConstraint(fields=["kbo_number"], condition=~Q(kbo_number=""), name="organisation_kbo_unique"),
            models.CheckConstraint(
                condition=Q(kbo_number="") | Q(kbo_number__regex=r"^[01][0-9]{9}$"),
                name="organisation_kbo_format",
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="organisation_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude=None):
        """Store the KBO number as its ten digits, however it was written."""
        if self.kbo_number and kbo_is_valid(self.kbo_number):
            self.kbo_number = normalise_kbo(self.kbo_number)
        super().clean_fields(exclude=exclude)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Location(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="locations", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=4)
    municipality = models.ForeignKey(
        "portal.Municipality", on_delete=models.PROTECT, related_name="locations", verbose_name=_("municipality")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    opening_hours = models.TextField(_("opening hours"), blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["organisation__name", "name"]
        indexes = [models.Index(fields=["latitude", "longitude"]), models.Index(fields=["municipality"])]
        constraints = [
            models.CheckConstraint(condition=COORDINATES_VALID, name="location_coordinates_valid"),
            models.CheckConstraint(
                condition=Q(postal_code__regex=r"^[1-9][0-9]{3}$"), name="location_postal_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.street}, {self.postal_code} {self.municipality}"

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.municipality}"


class Cost(models.TextChoices):
    FREE = "free", _("free")
    LOW = "low", _("low cost")
    PAID = "paid", _("paid")


class Capacity(models.TextChoices):
    OPEN = "open", _("room available")
    WAITING_LIST = "waiting_list", _("waiting list")
    FULL = "full", _("full")


ACCESS_MODES = (
    ("access_walk_in", "walk-in", _("walk-in")),
    ("access_appointment", "appointment", _("by appointment")),
    ("access_outreach", "outreach", _("outreach")),
    ("access_at_school", "at-school", _("at school")),
    ("access_online", "online", _("online")),
)


class OfferQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def public(self):
        """What the public directory shows: active offers of verified organisations."""
        return self.active().filter(organisation__verified_at__isnull=False)

    def stale(self, *, days: int | None = None):
        limit = timezone.localdate() - timedelta(days=days or settings.OFFER_STALE_AFTER_DAYS)
        return self.filter(Q(last_confirmed__lt=limit) | Q(last_confirmed__isnull=True))


class Offer(models.Model):
    """An aanbod: what an organisation does for families, for whom, where and how to reach it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="offers", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    next_steps = models.TextField(
        _("how to access it"),
        blank=True,
        help_text=_("What a family or a referrer does first: whom to call, where to go, what to bring."),
    )
    life_domains = models.ManyToManyField("families.LifeDomain", related_name="offers", verbose_name=_("life domains"))
    age_min = models.PositiveSmallIntegerField(_("minimum age of children"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age of children"), null=True, blank=True)
    languages = models.ManyToManyField(
        "portal.Language", blank=True, related_name="offers", verbose_name=_("languages")
    )
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, default=Cost.FREE)
    cost_note = models.CharField(_("cost details"), max_length=200, blank=True)
    access_walk_in = models.BooleanField(_("walk-in"), default=False)
    access_appointment = models.BooleanField(_("by appointment"), default=False)
    access_outreach = models.BooleanField(_("outreach"), default=False)
    access_at_school = models.BooleanField(_("at school"), default=False)
    access_online = models.BooleanField(_("online"), default=False)
    service_area = models.ManyToManyField(
        "portal.Municipality", blank=True, related_name="offers", verbose_name=_("service area")
    )
    capacity = models.CharField(_("capacity"), max_length=15, choices=Capacity.choices, default=Capacity.OPEN)
    waiting_weeks = models.PositiveSmallIntegerField(_("waiting time in weeks"), null=True, blank=True)
    locations = models.ManyToManyField(Location, blank=True, related_name="offers", verbose_name=_("locations"))
    is_active = models.BooleanField(_("active"), default=True)
    last_confirmed = models.DateField(_("last confirmed"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_active", "capacity"]),
            models.Index(fields=["is_active", "-last_confirmed"]),
            models.Index(fields=["organisation", "is_active"]),
            models.Index(fields=["cost"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_min__lte=models.F("age_max")),
                name="offer_age_range_ordered",
            ),
            models.CheckConstraint(condition=Q(cost__in=Cost.values), name="offer_cost_valid"),
            models.CheckConstraint(condition=Q(capacity__in=Capacity.values), name="offer_capacity_valid"),
            models.CheckConstraint(
                condition=Q(capacity="waiting_list") | Q(waiting_weeks__isnull=True),
                name="offer_waiting_weeks_only_on_waiting_list",
            ),
            models.CheckConstraint(
                condition=Q(access_walk_in=True)
                | Q(access_appointment=True)
                | Q(access_outreach=True)
                | Q(access_at_school=True)
                | Q(access_online=True),
                name="offer_has_an_access_mode",
            ),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="offer_external_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def access_modes(self) -> list[str]:
        """Codes of the ways in: walk-in, appointment, outreach, at-school, online."""
        return [code for field, code, _label in ACCESS_MODES if getattr(self, field)]

    @property
    def access_mode_labels(self) -> list[str]:
        return [str(label) for field, _code, label in ACCESS_MODES if getattr(self, field)]

    @property
    def is_stale(self) -> bool:
        if self.last_confirmed is None:
            return True
        return (timezone.localdate() - self.last_confirmed).days > settings.OFFER_STALE_AFTER_DAYS


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("open")
    APPLIED = "applied", _("applied")
    DISMISSED = "dismissed", _("dismissed")


class OfferCorrection(models.Model):
    """A professional's suggestion that something about an offer is wrong or out of date."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("offer"))
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    message = models.TextField(_("what is not correct"))
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["offer", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values), name="offercorrection_status_valid"
            ),
            models.CheckConstraint(condition=~Q(message=""), name="offercorrection_message_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.offer}: {self.message[:60]}"
