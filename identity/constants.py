from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County or district")
    TOWNSHIP = "township", _("Township or subdistrict")
    VILLAGE = "village", _("Village or community")


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    DEPARTMENT = "department", _("Government department")
    INSTITUTION = "institution", _("Public institution or social organisation")


class Sector(models.TextChoices):
    """The line of government a department belongs to, the same in every region; the
    catalogue names the sector that owns a matter (e.g. market regulation)."""

    GOVERNMENT_SERVICES = "government_services", _("Government services administration")
    DEVELOPMENT_REFORM = "development_reform", _("Development and reform")
    NATURAL_RESOURCES = "natural_resources", _("Natural resources and planning")
    HOUSING_CONSTRUCTION = "housing_construction", _("Housing and urban-rural development")
    ECOLOGY_ENVIRONMENT = "ecology_environment", _("Ecology and environment")
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    PUBLIC_SECURITY = "public_security", _("Public security")
    HUMAN_RESOURCES = "human_resources", _("Human resources and social security")
    HEALTH = "health", _("Health")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    TAXATION = "taxation", _("Taxation")
    HOUSING_FUND = "housing_fund", _("Housing provident fund")
    DISABLED_PERSONS = "disabled_persons", _("Disabled persons' federation")
    EDUCATION = "education", _("Education")
    MEDICAL_SECURITY = "medical_security", _("Medical security")
    TRANSPORT = "transport", _("Transport")


class Role(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    HANDLER = "handler", _("Authorised handler")
    CLERK = "clerk", _("Window clerk")
    REVIEWER = "reviewer", _("Reviewer")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    SUPERVISOR = "supervisor", _("Supervisor")
    CATALOGUE_ADMIN = "catalogue_admin", _("Catalogue administrator")


# Roles a person holds in a legal person (acting for it) versus in a government department.
ORGANISATION_ROLES = frozenset({Role.LEGAL_REPRESENTATIVE, Role.HANDLER})
STAFF_ROLES = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.DEPARTMENT_HEAD, Role.SUPERVISOR, Role.CATALOGUE_ADMIN}
)


class AuthorisationBasis(models.TextChoices):
    """How an authorisation was given: online by the principal, or recorded by a clerk."""

    ONLINE = "online", _("Granted online")
    PAPER = "paper", _("Paper authorisation")
    IN_PERSON = "in_person", _("Principal present at the counter")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Success")
    FAILURE = "failure", _("Failure")
    DENIED = "denied", _("Refused")


class AuditAction(models.TextChoices):
    REGISTER = "identity.register", _("Registration")
    SIGN_IN = "identity.sign_in", _("Sign-in")
    SIGN_OUT = "identity.sign_out", _("Sign-out")
    PASSWORD_CHANGE = "identity.password_change", _("Password change")
    PASSWORD_RESET = "identity.password_reset", _("Password reset")
    TOTP_ENROL = "identity.totp_enrol", _("Authenticator registered")
    AUTHORISATION_GRANT = "identity.authorisation_grant", _("Authorisation granted")
    AUTHORISATION_REVOKE = "identity.authorisation_revoke", _("Authorisation revoked")
    MEMBERSHIP_GRANT = "identity.membership_grant", _("Role granted")
    ACCESS_DENIED = "access.denied", _("Access refused")
    PERSONAL_DATA_READ = "access.personal_data_read", _("Personal data read")
    ADMIN_ADDITION = "admin.addition", _("Added in the administration site")
    ADMIN_CHANGE = "admin.change", _("Changed in the administration site")
    ADMIN_DELETION = "admin.deletion", _("Deleted in the administration site")
    AUDIT_PURGE = "audit.purge", _("Audit entries purged")
    AUDIT_SEARCH = "audit.search", _("Audit trail searched")
    AUDIT_EXPORT = "audit.export", _("Audit trail exported")


# The shortest time any audit entry is kept (six months, 184 days): the purge never goes
# below it, whatever PORTAL_AUDIT_RETENTION_DAYS says, and neither does the database trigger.
AUDIT_MIN_RETENTION_DAYS = 184
