"""Signals families sends, so that other apps can follow needs without families importing them.

`need_status_changed` is sent by `families.services.set_need_status` after a need's status
changed, inside the same transaction, with the keyword arguments:

- ``need``: the FamilyNeed, its status already the new one;
- ``by``: the user who changed it;
- ``old`` and ``new``: the status before and after (NeedStatus values).

A receiver that raises rolls the change back: receivers should only raise when the need's new
status must not stand.
"""

from django.dispatch import Signal

need_status_changed = Signal()
