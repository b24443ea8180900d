"""Each audit entry records where it came from (source IP, channel); the PostgreSQL
trigger of 0002 is widened to refuse a change of those too."""

from django.db import migrations, models

FIELDS = "at, actor_name, action, ledger, object_key, before::text, after::text, batch, {}prev_hash, hash"

TRIGGER = """
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '审计记录不可删除';
    END IF;
    IF ({new})
       IS DISTINCT FROM
       ({old}) THEN
        RAISE EXCEPTION '审计记录不可修改';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def _function(extra: str) -> str:
    def fields(prefix):
        names = FIELDS.format(extra).split(", ")
        return ", ".join(f"{prefix}.{name}" for name in names)

    return TRIGGER.format(new=fields("NEW"), old=fields("OLD"))


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function("source_ip, via, "))


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_function(""))


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="source_ip",
            field=models.CharField(blank=True, default="", max_length=45, verbose_name="来源IP"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="via",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="来源"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor_name", "at"], name="core_audite_actor_n_idx"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "at"], name="core_audite_action_idx"),
        ),
        migrations.RunPython(widen, narrow),
    ]
