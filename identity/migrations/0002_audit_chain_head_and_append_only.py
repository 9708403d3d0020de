"""Seed the audit chain head and, on PostgreSQL, refuse UPDATE and DELETE on the trail."""

from django.db import migrations

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION identity_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER identity_auditevent_append_only
    BEFORE UPDATE OR DELETE ON identity_auditevent
    FOR EACH ROW EXECUTE FUNCTION identity_audit_append_only();
"""

DROP_APPEND_ONLY = """
DROP TRIGGER IF EXISTS identity_auditevent_append_only ON identity_auditevent;
DROP FUNCTION IF EXISTS identity_audit_append_only();
"""


def create_head(apps, schema_editor):
    apps.get_model("identity", "AuditChainHead").objects.get_or_create(pk=1)


def append_only_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def drop_append_only_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(append_only_trigger, drop_append_only_trigger),
    ]
