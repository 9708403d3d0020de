from django.utils.translation import gettext_lazy as _

from core.errors import Conflict, ValidationFailed


class TransitionImpossible(Conflict):
    code = "transition_impossible"
    default_message = _("This action is not possible in the case's current state.")


class CaseNotEditable(Conflict):
    code = "case_not_editable"
    default_message = _("This application can no longer be changed.")


class CaseIncomplete(ValidationFailed):
    code = "case_incomplete"
    default_message = _(
        "The application is not complete yet. Everything still missing is listed below."
    )
