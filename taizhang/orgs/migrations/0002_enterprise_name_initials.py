from django.db import migrations, models


def fill_initials(apps, schema_editor):
    """Enterprises registered before: their names' pinyin initials."""
    from taizhang.core.pinyin import initials

    Enterprise = apps.get_model("orgs", "Enterprise")
    batch = []
    for enterprise in Enterprise.objects.only("pk", "name").iterator(chunk_size=2000):
        enterprise.name_initials = initials(enterprise.name)
        batch.append(enterprise)
        if len(batch) == 2000:
            Enterprise.objects.bulk_update(batch, ["name_initials"])
            batch = []
    if batch:
        Enterprise.objects.bulk_update(batch, ["name_initials"])


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="enterprise",
            name="name_initials",
            field=models.CharField(default="", max_length=255),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
    ]
