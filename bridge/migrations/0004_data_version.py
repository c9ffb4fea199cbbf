"""Triggers that bump the version of the data behind the dashboard (bridge.data_version)."""

from django.db import migrations

from bridge import data_version


def install(apps, schema_editor):
    data_version.install(schema_editor, data_version.watched_tables(apps))


def uninstall(apps, schema_editor):
    data_version.uninstall(schema_editor, data_version.watched_tables(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("bridge", "0003_collaboration_record"),
        ("families", "0002_initial"),
        ("portal", "0004_api_token"),
        ("schools", "0003_coordinates_both_or_neither"),
        ("welfare", "0005_offer_name_trgm_gist"),
    ]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
