"""The bridge between school and welfare: CLB, bridge figures, match requests, collaborations."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from families.models import Urgency
from schools.models import Network


class CLB(models.Model):
    """A Centrum voor Leerlingenbegeleiding: supports the pupils of the schools it serves."""

    name = models.CharField(_("name"), max_length=200)
    network = models.CharField(_("network"), max_length=4, choices=Network.choices)
    schools = models.ManyToManyField(
        "schools.School", through="CLBSchool", related_name="clbs", verbose_name=_("schools served")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    municipality = models.ForeignKey(
        "portal.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clbs",
        verbose_name=_("seat"),
    )

    class Meta:
        verbose_name = _("CLB")
        verbose_name_plural = _("CLBs")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(network__in=Network.values), name="clb_network_valid")]

    def __str__(self) -> str:
        return self.name


class CLBSchool(models.Model):
    """A school is guided by one CLB at a time."""

    clb = models.ForeignKey(CLB, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("CLB"))
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="clb_assignment", verbose_name=_("school")
    )

    class Meta:
        verbose_name = _("school served by a CLB")
        verbose_name_plural = _("schools served by a CLB")
        constraints = [models.UniqueConstraint(fields=["school"], name="clbschool_one_clb_per_school")]

    def __str__(self) -> str:
        return f"{self.clb} → {self.school}"


class BridgeFigure(models.Model):
    """A brugfiguur: builds the bridge between the schools they serve and families and welfare."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bridge_figure", verbose_name=_("user")
    )
    employer = models.ForeignKey(
        "welfare.Organisation",
        on_delete=models.PROTECT,
        related_name="bridge_figures",
        verbose_name=_("employer"),
    )
    schools = models.ManyToManyField(
        "schools.School", blank=True, related_name="bridge_figures", verbose_name=_("schools served")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bridge figure")
        verbose_name_plural = _("bridge figures")
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return str(self.user)


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    WITHDRAWN = "withdrawn", _("withdrawn")
    EXPIRED = "expired", _("expired")


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("no capacity")
    OUTSIDE_AREA = "outside_area", _("outside our area")
    NOT_TARGET_GROUP = "not_target_group", _("not our target group")
    OTHER = "other", _("other")


LIVE_MATCH_STATUSES = [MatchStatus.PROPOSED, MatchStatus.SENT, MatchStatus.ACCEPTED]


class MatchRequest(models.Model):
    """A request to a welfare organisation to take up a school's need with one of its offers."""

    need = models.ForeignKey(
        "families.FamilyNeed", on_delete=models.PROTECT, related_name="match_requests", verbose_name=_("need")
    )
    offer = models.ForeignKey(
        "welfare.Offer", on_delete=models.PROTECT, related_name="match_requests", verbose_name=_("offer")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    school_agreed = models.BooleanField(
        _("the school agreed"),
        default=True,
        help_text=_("A broker proposing on a school's behalf records that the school agreed."),
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("explanation"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("match request")
        verbose_name_plural = _("match requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "sent_at"]), models.Index(fields=["offer", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "offer"],
                condition=Q(status__in=["proposed", "sent", "accepted"]),
                name="matchrequest_one_live_per_need_and_offer",
            ),
            models.CheckConstraint(condition=Q(status__in=MatchStatus.values), name="matchrequest_status_valid"),
            models.CheckConstraint(
                condition=(Q(status="declined") & ~Q(decline_reason=""))
                | (~Q(status="declined") & Q(decline_reason="")),
                name="matchrequest_decline_reason_iff_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.offer}"


class CollaborationStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    AGREED = "agreed", _("agreed")
    ACTIVE = "active", _("active")
    EVALUATED = "evaluated", _("evaluated")
    ENDED = "ended", _("ended")


class CollaborationForm(models.TextChoices):
    REFERRAL = "referral", _("referral")
    CONSULTATION_HOURS = "consultation_hours", _("consultation hours at school")
    JOINT_ACTIVITY = "joint_activity", _("joint activity")
    STRUCTURAL = "structural", _("structural partnership")
    CASE_CONSULTATION = "case_consultation", _("case consultation without names")


class Collaboration(models.Model):
    """A samenwerking between a school and one or more welfare organisations, recorded around
    the practice guide's three questions: why, under which conditions, who does what."""

    title = models.CharField(_("title"), max_length=200)
    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="collaborations", verbose_name=_("school")
    )
    organisations = models.ManyToManyField(
        "welfare.Organisation", related_name="collaborations", verbose_name=_("welfare organisations")
    )
    needs = models.ManyToManyField(
        "families.FamilyNeed", blank=True, related_name="collaborations", verbose_name=_("needs addressed")
    )
    life_domains = models.ManyToManyField(
        "families.LifeDomain", blank=True, related_name="collaborations", verbose_name=_("life domains")
    )
    match_request = models.OneToOneField(
        MatchRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collaboration",
        verbose_name=_("from match request"),
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("broker"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CollaborationStatus.choices, default=CollaborationStatus.PROPOSED
    )
    form = models.CharField(
        _("form"), max_length=20, choices=CollaborationForm.choices, default=CollaborationForm.REFERRAL
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM)
    goals = models.TextField(_("goals"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    review_date = models.DateField(_("review date"), null=True, blank=True)
    review_reminded_at = models.DateTimeField(_("review reminder sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CollaborationStatus.values), name="collaboration_status_valid"
            ),
            models.CheckConstraint(condition=Q(form__in=CollaborationForm.values), name="collaboration_form_valid"),
            models.CheckConstraint(condition=Q(urgency__in=Urgency.values), name="collaboration_urgency_valid"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="collaboration_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ConditionKind(models.TextChoices):
    TIME = "time", _("time and availability")
    CONTACT_PERSONS = "contact_persons", _("a fixed contact person on both sides")
    SHARED_GOALS = "shared_goals", _("shared goals and language")
    TRUST = "trust", _("trust")
    PRIVACY = "privacy", _("privacy and consent agreements")
    PRACTICAL = "practical", _("practical arrangements (a room at school, hours)")
    FUNDING = "funding", _("funding")
    MANAGEMENT = "management", _("support from management")


class ConditionState(models.TextChoices):
    IN_PLACE = "in_place", _("in place")
    CHALLENGE = "challenge", _("a challenge")
    OPEN = "open", _("not discussed yet")


class CollaborationCondition(models.Model):
    """Onder welke voorwaarden: one condition of the checklist, in place or a challenge."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("collaboration")
    )
    kind = models.CharField(_("condition"), max_length=20, choices=ConditionKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=ConditionState.choices, default=ConditionState.OPEN)
    note = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["collaboration", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "kind"], name="condition_once_per_collaboration"),
            models.CheckConstraint(condition=Q(kind__in=ConditionKind.values), name="condition_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=ConditionState.values), name="condition_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_state_display()}"


class Actor(models.TextChoices):
    SCHOOL = "school", _("the school")
    WELFARE = "welfare", _("the welfare organisation")
    BRIDGE_FIGURE = "bridge_figure", _("the bridge figure")
    CLB = "clb", _("the CLB")
    PARENTS = "parents", _("the parents")
    LOCAL_GOVERNMENT = "local_government", _("the local government")


class CollaborationRole(models.Model):
    """Wie doet wat: what one partner does in the collaboration, and what it does not do."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="roles", verbose_name=_("collaboration")
    )
    actor = models.CharField(_("partner"), max_length=20, choices=Actor.choices)
    tasks = models.TextField(_("tasks"), blank=True)
    limits = models.TextField(_("what we do not do"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["collaboration", "actor"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "actor"], name="role_once_per_collaboration"),
            models.CheckConstraint(condition=Q(actor__in=Actor.values), name="role_actor_valid"),
        ]

    def __str__(self) -> str:
        return self.get_actor_display()


class LearningEntry(models.Model):
    """Interprofessional learning: what a partner learned from the other side."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="learning_entries", verbose_name=_("collaboration")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    author_side = models.CharField(_("written for"), max_length=20, choices=Actor.choices)
    what_happened = models.TextField(_("what happened"))
    learned = models.TextField(_("what we learned from the other side"))
    take_away = models.TextField(_("what we take into our own work"), blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("learning log entry")
        verbose_name_plural = _("learning log entries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["collaboration", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(author_side__in=Actor.values), name="learning_side_valid"),
            models.CheckConstraint(condition=~Q(what_happened="") & ~Q(learned=""), name="learning_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.collaboration}: {self.learned[:60]}"


class BarrierKind(models.TextChoices):
    SCHOOL_COSTS = "school_costs", _("school costs")
    LANGUAGE = "language", _("language")
    TRANSPORT = "transport", _("transport")
    WAITING_LISTS = "waiting_lists", _("waiting lists")
    DIGITAL = "digital", _("digital access")
    INFORMATION = "information", _("unclear information or paperwork")
    TRUST = "trust", _("distrust of services")
    OTHER = "other", _("other")


class Barrier(models.Model):
    """A drempel: a structural barrier that bridge figures and schools signal to local policy."""

    municipality = models.ForeignKey(
        "portal.Municipality", on_delete=models.PROTECT, related_name="barriers", verbose_name=_("municipality")
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="barriers",
        verbose_name=_("school"),
    )
    kind = models.CharField(_("barrier"), max_length=20, choices=BarrierKind.choices)
    note = models.TextField(_("short note"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("reported by")
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("barrier")
        verbose_name_plural = _("barriers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["municipality", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BarrierKind.values), name="barrier_kind_valid"),
            models.CheckConstraint(condition=~Q(note=""), name="barrier_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.municipality})"
