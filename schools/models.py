"""The school sphere (onderwijs): primary schools and their profile."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import COORDINATES_VALID


class Network(models.TextChoices):
    GO = "GO", _("GO! (community education)")
    OVSG = "OVSG", _("OVSG (municipal education)")
    POV = "POV", _("POV (provincial education)")
    KOV = "KOV", _("Catholic education (KOV)")


class SchoolQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(verified_at__isnull=False)

    def awaiting_verification(self):
        return self.filter(verified_at__isnull=True, declined_at__isnull=True)


class School(models.Model):
    name = models.CharField(_("name"), max_length=200)
    institution_number = models.CharField(
        _("institution number"),
        max_length=6,
        unique=True,
        help_text=_("The six-digit instellingsnummer of the Flemish Department of Education."),
    )
    level_kleuter = models.BooleanField(_("nursery (kleuter)"), default=False)
    level_lager = models.BooleanField(_("primary (lager)"), default=False)
    level_buitengewoon = models.BooleanField(_("special needs (buitengewoon)"), default=False)
    level_secundair = models.BooleanField(_("secondary (secundair)"), default=False)
    network = models.CharField(_("network"), max_length=4, choices=Network.choices)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=4)
    municipality = models.ForeignKey(
        "portal.Municipality", on_delete=models.PROTECT, related_name="schools", verbose_name=_("municipality")
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        "portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    registered_by = models.ForeignKey(
        "portal.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["municipality", "name"]),
            models.Index(fields=["latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution_number__regex=r"^[0-9]{6}$"), name="school_institution_number_6_digits"
            ),
            models.CheckConstraint(
                condition=Q(level_kleuter=True)
                | Q(level_lager=True)
                | Q(level_buitengewoon=True)
                | Q(level_secundair=True),
                name="school_has_a_level",
            ),
            models.CheckConstraint(condition=Q(network__in=Network.values), name="school_network_valid"),
            models.CheckConstraint(condition=Q(postal_code__regex=r"^[1-9][0-9]{3}$"), name="school_postal_code_valid"),
            models.CheckConstraint(condition=COORDINATES_VALID, name="school_coordinates_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def levels(self) -> list[str]:
        names = [
            (self.level_kleuter, _("nursery")),
            (self.level_lager, _("primary")),
            (self.level_buitengewoon, _("special needs")),
            (self.level_secundair, _("secondary")),
        ]
        return [str(label) for on, label in names if on]

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None
