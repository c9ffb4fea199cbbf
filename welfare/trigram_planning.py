"""How PostgreSQL plans the directory's typo-tolerant search (`name %> 'query'`, welfare.search).

pg_trgm declares the function behind `%>` as cheap as an integer comparison (COST 1), while it
builds the trigrams of both texts for every row it tests: about 5 µs per offer here. Believing
that, the planner scanned all 3,000 offers of a small region (15 ms) rather than read the GIN
trigram index of migration 0003 (1 ms), which is why 0005 added a GiST index it did pick. The
GiST index is slower than the GIN one at Flanders scale, though (16 ms against 9 ms at 30,000
offers, docs/performance.md). Told the function's real cost, the planner takes the GIN index at
both sizes, and the GiST index can go (migration 0008).

The cost is a property of the extension's function, which pg_dump does not keep and only its
owner may change: `ensure_trigram_cost` runs after every `migrate` (welfare.apps) and so puts it
back on a restored database; where the database user may not change it, the GiST index stays.
"""

import logging

logger = logging.getLogger(__name__)

FUNCTION = "word_similarity_commutator_op(text, text)"
COST = 100

_SET_COST = f"""
DO $$
BEGIN
    IF to_regprocedure('{FUNCTION}') IS NOT NULL THEN
        ALTER FUNCTION {FUNCTION} COST {COST};
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'brugwijzer: may not set the cost of {FUNCTION}';
END
$$
"""


def trigram_cost(connection) -> float | None:
    """The planner's cost of the function behind `%>`; None without pg_trgm (or off PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE oid = to_regprocedure(%s)", [FUNCTION])
        row = cursor.fetchone()
    return float(row[0]) if row else None


def ensure_trigram_cost(connection) -> bool:
    """Tell the planner what `%>` costs; True when it knows (False off PostgreSQL, without pg_trgm,
    or when the database user does not own the extension)."""
    cost = trigram_cost(connection)
    if cost is None:
        return False
    if cost < COST:
        with connection.cursor() as cursor:
            cursor.execute(_SET_COST)
        cost = trigram_cost(connection)
        if cost is None or cost < COST:
            logger.warning(
                "The database user may not set the cost of %s (pg_trgm belongs to another user): "
                "typo-tolerant search keeps the GiST index of welfare migration 0005.",
                FUNCTION,
            )
            return False
    return True


def reapply_trigram_cost(sender, *, using: str, **kwargs) -> None:
    """Receiver of post_migrate: the cost again, for a database restored from a dump."""
    from django.db import connections

    ensure_trigram_cost(connections[using])
