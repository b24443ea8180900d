"""Data migrations that stay small at province scale.

A data migration over a ledger table must not load the table into memory nor hold one
transaction over millions of rows (one over 40,000 people took 8.6 s and 69 MB: at
province scale that is tens of minutes and gigabytes, with the table locked). So: walk
the table by primary key in chunks, each chunk its own transaction, in a migration
declared `atomic = False`; a chunk that is re-run sets the same values, so an interrupted
migration is simply run again.

    def every_reading(apps, schema_editor):
        chunked_update(apps.get_model("orgs", "Person"), ["name_initials"],
                       lambda person: setattr(person, "name_initials", initials(person.name)),
                       only=["name"])

    class Migration(migrations.Migration):
        atomic = False
        operations = [migrations.RunPython(every_reading, migrations.RunPython.noop)]
"""

from django.db import transaction


def chunked_update(model, fields: list[str], change, *, only=(), chunk: int = 2000) -> int:
    """Call `change(obj)` on every row and write `fields`, `chunk` rows per transaction.
    Returns the number of rows walked."""
    last, walked = 0, 0
    columns = ["pk", *only, *fields]
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only(*columns)[:chunk])
        if not rows:
            return walked
        for obj in rows:
            change(obj)
        with transaction.atomic():
            model.objects.bulk_update(rows, fields, batch_size=chunk)
        last, walked = rows[-1].pk, walked + len(rows)
