"""Families at the centre: life domains and the anonymous needs schools see.

Nothing here may identify a family or a child. A need is a statement about a group of
families ("about 4 families with toddlers struggle to pay school costs"), never a case file.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LIFE_DOMAIN_SLUGS = (
    "leren",
    "opvoeding",
    "gezondheid",
    "psychisch",
    "wonen",
    "inkomen",
    "basisnoden",
    "werk",
    "vrije-tijd",
    "taal",
    "rechten",
    "kinderopvang",
    "veiligheid",
    "digitaal",
    "mobiliteit",
)


class LifeDomain(models.Model):
    """A levensdomein: the areas of life in which families meet needs and organisations help."""

    slug = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("plain-language description"), max_length=200)
    icon = models.CharField(_("icon"), max_length=40, help_text=_("Name of the pictogram in static/icons/."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("life domain")
        verbose_name_plural = _("life domains")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Urgency(models.TextChoices):
    LOW = "low", _("can wait")
    MEDIUM = "medium", _("soon")
    HIGH = "high", _("urgent")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("open")
    ADDRESSED = "addressed", _("addressed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class FamilyNeedQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=NeedStatus.OPEN)


class FamilyNeed(models.Model):
    """An anonymous statement of what a number of families at a school need."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="needs", verbose_name=_("school")
    )
    title = models.CharField(_("short title"), max_length=120)
    life_domains = models.ManyToManyField(LifeDomain, related_name="needs", verbose_name=_("life domains"))
    age_min = models.PositiveSmallIntegerField(_("children's age from"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("children's age to"), null=True, blank=True)
    home_languages = models.ManyToManyField(
        "portal.Language", blank=True, related_name="needs", verbose_name=_("languages spoken at home")
    )
    family_count = models.PositiveSmallIntegerField(_("approximate number of families"), default=1)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    prefers_free = models.BooleanField(_("free of charge"), default=False)
    prefers_at_school = models.BooleanField(_("at school"), default=False)
    prefers_outreach = models.BooleanField(_("outreach (they come to the family)"), default=False)
    prefers_walk_in = models.BooleanField(_("walk-in without appointment"), default=False)
    prefers_no_waiting_list = models.BooleanField(_("no waiting list"), default=False)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_(
            "Describe the situation in general terms. No names, addresses, dates of birth or other "
            "details that could identify a family or a child."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FamilyNeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("family need")
        verbose_name_plural = _("family needs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(family_count__gte=1), name="need_at_least_one_family"),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True) | Q(age_max__isnull=True) | Q(age_min__lte=models.F("age_max")),
                name="need_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(age_min__isnull=True) | Q(age_min__lte=25))
                & (Q(age_max__isnull=True) | Q(age_max__lte=25)),
                name="need_age_plausible",
            ),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="need_urgency_valid"),
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def preferences(self) -> list[str]:
        return [
            str(field.verbose_name)
            for field in self._meta.fields
            if field.name.startswith("prefers_") and getattr(self, field.name)
        ]
