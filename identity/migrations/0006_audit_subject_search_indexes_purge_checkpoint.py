"""Audit trail: the person concerned (subject), indexes for the supervisor's search, purge
checkpoints, and a trigger that lets only the purge delete (old, checkpointed) entries."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# UPDATE is always refused. DELETE only inside audit_purge's transaction (which sets
# portal.audit_purge), only of entries older than the legal minimum of 184 days, and only
# up to a recorded checkpoint. Anything else is refused, whatever role connects.
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION identity_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('portal.audit_purge', true) = 'on'
       AND OLD.occurred_at < now() - interval '184 days'
       AND OLD.id <= (SELECT max(through_id) FROM identity_auditcheckpoint) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION identity_audit_checkpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit checkpoints are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER identity_auditcheckpoint_append_only
    BEFORE UPDATE OR DELETE ON identity_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION identity_audit_checkpoint_append_only();
"""

# Back to 0002's function, which refuses every UPDATE and DELETE.
RESTORE = """
DROP TRIGGER IF EXISTS identity_auditcheckpoint_append_only ON identity_auditcheckpoint;
DROP FUNCTION IF EXISTS identity_audit_checkpoint_append_only();
CREATE OR REPLACE FUNCTION identity_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def purge_path(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


def no_purge_path(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE)


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0005_authorisation_basis_api_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="person concerned",
            ),
        ),
        # (action, -id) below serves what the plain index on action did.
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(max_length=64, verbose_name="action"),
        ),
        migrations.RemoveIndex(model_name="auditevent", name="audit_object_idx"),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                fields=["object_type", "object_id", "-id"], name="audit_object_key_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["subject", "-id"], name="audit_subject_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "through_id",
                    models.BigIntegerField(unique=True, verbose_name="purged through entry"),
                ),
                ("through_hash", models.CharField(max_length=64)),
                ("length", models.PositiveBigIntegerField(verbose_name="entries up to here")),
                ("purged", models.PositiveBigIntegerField(verbose_name="entries purged")),
                ("cutoff", models.DateTimeField(verbose_name="entries before")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="purged at"
                    ),
                ),
            ],
            options={
                "verbose_name": "audit checkpoint",
                "verbose_name_plural": "audit checkpoints",
                "ordering": ["through_id"],
            },
        ),
        migrations.RunPython(purge_path, no_purge_path),
    ]
