import datetime

from django.db import migrations, models

# Partial indexes on the cases table that let the deadline sweep read only the cases whose
# cards could change (supervision.sweep): a range scan on the date, among open cases only.
# They live here because only the sweep needs them; plain SQL that PostgreSQL and SQLite share.
CASE_SWEEP_INDEXES = [
    (
        "supervision_case_clock_idx",
        "cases_case (deadline) WHERE state IN ('accepted', 'in_review')",
    ),
    (
        "supervision_case_deferred_idx",
        "cases_case (deferred_until) WHERE deferred_supplied_at IS NULL "
        "AND deferred_until IS NOT NULL",
    ),
    (
        "supervision_case_correction_idx",
        "cases_case (id) WHERE state = 'correction_requested'",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="assign_due",
            field=models.DateField(
                default=datetime.date(2000, 1, 1), verbose_name="assignment due"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="complaint",
            name="reopen_count",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="times reopened"),
        ),
        *[
            migrations.RunSQL(f"CREATE INDEX {name} ON {definition}", f"DROP INDEX {name}")
            for name, definition in CASE_SWEEP_INDEXES
        ],
    ]
