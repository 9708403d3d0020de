"""Forms of the supervision pages: they parse input; the services decide."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from identity.constants import OrganisationKind
from identity.models import Organisation
from supervision.constants import ComplaintChannel, ComplaintState, ComplaintSubject, RatingScore
from supervision.services import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH


def _departments() -> list[tuple[str, str]]:
    return [
        (code, name)
        for code, name in Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT)
        .order_by("name")
        .values_list("credit_code", "name")
    ]


class DepartmentChoiceField(forms.ChoiceField):
    """A government department, chosen by name, sent as its credit code."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=lambda: [("", "—"), *_departments()], **kwargs)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how this case was handled?"),
        choices=[(value, label) for value, label in reversed(RatingScore.choices)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class KioskForm(forms.Form):
    """The counter screen: the score comes from the button tapped."""

    score = forms.TypedChoiceField(choices=RatingScore.choices, coerce=int)


class FollowUpCallbackForm(forms.Form):
    callback_notes = forms.CharField(
        label=_("What the applicant said when called back"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FollowUpCloseForm(forms.Form):
    rectification = forms.CharField(
        label=_("What was rectified"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answer = forms.CharField(
        label=_("Answer to the applicant"),
        help_text=_("The applicant reads this answer beside their rating."),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ComplaintForm(forms.Form):
    """A complaint about one thing; only the field of the chosen subject is used."""

    subject = forms.ChoiceField(
        label=_("What is your complaint about?"),
        choices=ComplaintSubject.choices,
        widget=forms.RadioSelect,
    )
    case_number = forms.CharField(
        label=_("Case number"),
        required=False,
        max_length=32,
        help_text=_("For a complaint about a case."),
    )
    implementation_code = forms.CharField(
        label=_("Service code"),
        required=False,
        max_length=64,
        help_text=_("For a complaint about a service: the code on its service guide."),
    )
    department = DepartmentChoiceField(
        label=_("Department"), required=False, help_text=_("For a complaint about a department.")
    )
    data_reference = forms.CharField(
        label=_("Entry of your data use log"),
        required=False,
        max_length=64,
        help_text=_("For a complaint about a use of your data: open it from your data use log."),
    )
    text = forms.CharField(
        label=_("Your complaint"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class RecordedComplaintForm(ComplaintForm):
    """A complaint taken on the 12345 hotline or at the 有诉即办 window by staff."""

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[
            (ComplaintChannel.HOTLINE.value, ComplaintChannel.HOTLINE.label),
            (ComplaintChannel.WINDOW.value, ComplaintChannel.WINDOW.label),
        ],
        widget=forms.RadioSelect,
    )
    complainant_id_number = forms.CharField(
        label=_("Caller's ID number"),
        required=False,
        max_length=18,
        help_text=_("When the caller has an account: they follow the complaint online."),
    )
    complainant_name = forms.CharField(label=_("Caller's name"), max_length=50)
    complainant_phone = forms.CharField(
        label=_("Caller's phone"),
        required=False,
        max_length=20,
        help_text=_("Needed when the caller has no account: the answer is given by phone."),
    )

    field_order = [
        "channel",
        "complainant_name",
        "complainant_phone",
        "complainant_id_number",
        "subject",
        "case_number",
        "implementation_code",
        "department",
        "data_reference",
        "text",
    ]


class ComplaintAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5})
    )


class ComplaintForwardForm(forms.Form):
    department = DepartmentChoiceField(label=_("Forward to"))
    comment = forms.CharField(
        label=_("Why this department"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ComplaintAssignForm(forms.Form):
    department = DepartmentChoiceField(label=_("Assign to"))


class ComplaintReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the answer does not settle your complaint"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ComplaintInboxFilter(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *ComplaintState.choices],
    )
