"""How the bridge follows what happens to needs (families never imports bridge; bridge listens).

When a school marks a need addressed or withdraws it, nobody should still be asked to take it
up: its drafts and the requests waiting for an answer are withdrawn, by the person who closed
the need, and the organisations that had been asked hear so by e-mail (bridge.services). An
accepted request stays: its collaboration goes on.
"""

import logging

from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied
from django.db import connections

from bridge import data_version
from bridge.models import MatchRequest, MatchStatus
from bridge.services import MatchError, withdraw_match
from families.models import FamilyNeed, NeedStatus

logger = logging.getLogger(__name__)

CLOSED = frozenset({NeedStatus.ADDRESSED, NeedStatus.WITHDRAWN})
WAITING = (MatchStatus.PROPOSED, MatchStatus.SENT)


def withdraw_requests_of_closed_need(sender, *, need: FamilyNeed, by, old: str, new: str, **kwargs) -> None:
    """Receiver of families.signals.need_status_changed: withdraw the need's waiting requests.

    Runs inside the transaction that changed the need. A request answered at this very moment
    keeps its answer (MatchError is skipped). Someone who may change the need may withdraw its
    requests; should a caller without that right close a need (a script without a user), the
    need still closes and the requests are left for a person to withdraw, with a warning logged.
    """
    if new not in CLOSED:
        return
    waiting = (
        MatchRequest.objects.select_related("need__school__municipality", "offer__organisation", "proposed_by")
        .filter(need_id=need.pk, status__in=WAITING)
        .order_by("pk")
    )
    for request in waiting:
        try:
            withdraw_match(request=request, by=by)
        except MatchError:
            continue
        except PermissionDenied:
            logger.warning(
                "Need %s was closed by %s, who may not withdraw match request %s; it stays %s.",
                need.pk,
                by,
                request.pk,
                request.status,
            )


def reinstall_data_version(sender, *, using: str, apps=None, **kwargs) -> None:
    """Receiver of post_migrate: the triggers of bridge.data_version on every watched table, again.

    On SQLite a migration that changes a table rebuilds it and its triggers are gone; installing
    is idempotent. Does nothing while the version itself does not exist (migrated back before it).
    """
    connection = connections[using]
    if data_version.NAME not in connection.introspection.table_names(include_views=False) and not (
        connection.vendor == "postgresql" and _sequence_exists(connection)
    ):
        return
    try:
        tables = data_version.watched_tables(apps or global_apps)  # flush sends no apps
    except LookupError:
        return
    with connection.schema_editor() as editor:
        data_version.install(editor, tables)


def _sequence_exists(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [data_version.NAME])
        return cursor.fetchone()[0]
