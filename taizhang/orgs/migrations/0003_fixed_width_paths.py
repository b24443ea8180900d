"""Materialized paths get fixed-width segments, so that text order is tree order."""

from django.db import migrations

STEP = 8


def fixed_width(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    orgs = list(Organization.objects.only("id", "parent_id", "path", "depth"))
    children = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org)
    stack = [(org, "") for org in children.get(None, [])]
    while stack:
        org, prefix = stack.pop()
        org.path = f"{prefix}{org.id:0{STEP}d}."
        org.depth = len(org.path) // (STEP + 1) - 1
        stack.extend((child, org.path) for child in children.get(org.id, []))
    Organization.objects.bulk_update(orgs, ["path", "depth"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_person_initials_every_reading")]

    operations = [migrations.RunPython(fixed_width, migrations.RunPython.noop)]
