"""Changes to a school: each one written to the audit log."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from portal import audit
from portal.models import AuditEvent
from schools.models import School

PROFILE_FIELDS = (
    "name",
    "level_kleuter",
    "level_lager",
    "level_buitengewoon",
    "level_secundair",
    "network",
    "street",
    "postal_code",
    "municipality",
    "latitude",
    "longitude",
    "website",
    "contact_email",
    "phone",
)
LEVEL_FIELDS = ("level_kleuter", "level_lager", "level_buitengewoon", "level_secundair")


class SchoolProfileError(Exception):
    """A profile change that cannot be made; the message can be shown to the user as it is."""


@transaction.atomic
def update_school_profile(*, school: School, by, data: Mapping[str, Any]) -> dict[str, list]:
    """Apply cleaned profile data and record what changed; returns {field: [old, new]}.

    Only moderators change the institution number: it ties the school to the Department of
    Education's records, and a coordinator changing it could take over another school's identity.
    """
    allowed = set(PROFILE_FIELDS) | ({"institution_number"} if by.is_moderator else set())
    refused = set(data) - allowed
    if "institution_number" in refused:
        if data["institution_number"] == school.institution_number:
            refused.discard("institution_number")
        else:
            raise SchoolProfileError(_("Only a moderator can change the institution number."))
    if refused:
        raise SchoolProfileError(_("These fields cannot be changed here: %s.") % ", ".join(sorted(refused)))
    data = {key: value for key, value in data.items() if key in allowed}
    levels = {field: data.get(field, getattr(school, field)) for field in LEVEL_FIELDS}
    if not any(levels.values()):
        raise SchoolProfileError(
            _("A school teaches at least one level: nursery, primary, special needs or secondary.")
        )

    before = {field: getattr(school, field) for field in data}
    changes = audit.diff(before, dict(data))
    if not changes:
        return {}
    for field in changes:
        setattr(school, field, data[field])
    school.save(update_fields=[*changes, "updated_at"])
    audit.record(actor=by, action=AuditEvent.Action.UPDATE, obj=school, changes=changes)
    return changes
