from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterType(models.TextChoices):
    LICENSING = "licensing", _("Administrative licensing")
    PAYMENT = "payment", _("Administrative payment")
    CONFIRMATION = "confirmation", _("Administrative confirmation")
    LEVY = "levy", _("Administrative levy")
    ADJUDICATION = "adjudication", _("Administrative adjudication")
    REWARD = "reward", _("Administrative reward")
    OTHER_POWER = "other_power", _("Other administrative power")
    PUBLIC_SERVICE = "public_service", _("Public service")


class Audience(models.TextChoices):
    PERSON = "person", _("Natural persons")
    LEGAL_PERSON = "legal_person", _("Legal persons")
    BOTH = "both", _("Natural and legal persons")


class HandlingKind(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate (decided on the spot)")
    PROMISED = "promised", _("Promised (decided within the promised time)")


class OnlineDepth(models.IntegerChoices):
    INFORMATION = 1, _("Level I: service guide online")
    DOWNLOAD = 2, _("Level II: forms to download")
    PRE_CHECK = 3, _("Level III: online application with pre-check")
    FULLY_ONLINE = 4, _("Level IV: fully online")


class WindowCategory(models.TextChoices):
    INVESTMENT = "investment", _("Investment projects")
    COMMERCIAL = "commercial", _("Business registration")
    LIVELIHOOD = "livelihood", _("Livelihood services")
    PUBLIC_RESOURCES = "public_resources", _("Public resource trading")


class CrossRegionScope(models.TextChoices):
    LOCAL = "local", _("Only where it is implemented")
    CITY = "city", _("Anywhere in the city")
    PROVINCE = "province", _("Anywhere in the province")
    NATIONWIDE = "nationwide", _("Across provinces")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class MaterialRequirement(models.TextChoices):
    REQUIRED = "required", _("Required")
    CONDITIONAL = "conditional", _("Required in some cases")


class MaterialSource(models.TextChoices):
    UPLOAD = "upload", _("Provided by the applicant")
    CERTIFICATE = "certificate", _("Electronic certificate")
    SHARED_DATA = "shared_data", _("Shared government data")


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    ID_NUMBER = "id_number", _("Citizen ID number")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone number")
    FILE = "file", _("File")


class BundleMode(models.TextChoices):
    PARALLEL = "parallel", _("In parallel")
    SEQUENTIAL = "sequential", _("In order")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Working day (make-up day)")


# Codes (see reference/national-data-elements.md): a 12-character basic code; the
# implementation code joins it with the region, "000", the implementing body and a suffix.
BASIC_CODE_PATTERN = r"^[0-9A-Z]{12}$"
IMPLEMENTATION_SUFFIX_PATTERN = r"^[0-9]-[0-9]{2}$"
IMPLEMENTATION_CODE_PATTERN = r"^[0-9A-Z]{12}-[0-9]{12}-000-[0-9A-HJ-NP-RTUW-Y]{18}-[0-9]-[0-9]{2}$"
FIELD_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
