"""portal.links: many links of one kind for one reverse()."""

import pytest
from django.urls import reverse

from portal.links import url_maker


@pytest.mark.parametrize("name", ["bridge:collaboration_detail", "schools:detail", "directory:offer"])
def test_a_url_made_once_per_name_is_what_reverse_gives(name):
    make = url_maker(name)
    for pk in (1, 42, 987654321, 10**12):
        assert make(pk) == reverse(name, args=[pk])


def test_a_name_that_is_not_routed_gives_no_url():
    assert url_maker("no:such_page")(1) is None
