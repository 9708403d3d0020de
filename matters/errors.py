from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, ValidationFailed


class VersionNotEditable(Conflict):
    code = "version_not_editable"
    default_message = _(
        "A published or retired version cannot be changed. Create a new draft version instead."
    )


class VersionNotDraft(Conflict):
    code = "version_not_draft"
    default_message = _("Only a draft version can be published.")


class SearchTooLong(ValidationFailed):
    code = "search_too_long"
    default_message = _("Please search with at most 100 characters.")


class VersionNotPublished(Conflict):
    code = "version_not_published"
    default_message = _("Only a published version can be retired.")
