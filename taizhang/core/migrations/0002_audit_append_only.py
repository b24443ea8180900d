"""On PostgreSQL the audit table refuses DELETE and any UPDATE of an entry's content,
whoever connects (the application, an administrator at psql): only actor_id may be
nulled, when a user is deleted. SQLite has no such trigger; the hash chain
(`taizhang audit verify`) shows any change there."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '审计记录不可删除';
    END IF;
    IF (NEW.at, NEW.actor_name, NEW.action, NEW.ledger, NEW.object_key, NEW.before::text,
        NEW.after::text, NEW.batch, NEW.prev_hash, NEW.hash)
       IS DISTINCT FROM
       (OLD.at, OLD.actor_name, OLD.action, OLD.ledger, OLD.object_key, OLD.before::text,
        OLD.after::text, OLD.batch, OLD.prev_hash, OLD.hash) THEN
        RAISE EXCEPTION '审计记录不可修改';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_audit_append_only BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS core_audit_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
