"""The earlier name of audit_verify, kept so existing scripts and cron lines still work."""

from identity.management.commands.audit_verify import Command as AuditVerifyCommand


class Command(AuditVerifyCommand):
    help = "Alias of audit_verify."
