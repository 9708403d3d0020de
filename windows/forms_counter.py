"""Forms of the counter pages: they parse what the clerk enters; windows.counter and
cases.services decide what is valid."""

import re
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from identity.constants import AuthorisationBasis
from identity.validators import validate_id_number
from matters.models import ImplementationVersion, Material

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
OFF = {"autocomplete": "off", "spellcheck": "false"}


def _id_number_field(**kwargs: Any) -> forms.CharField:
    return forms.CharField(
        max_length=18,
        widget=forms.TextInput(attrs={**OFF, "inputmode": "text", "class": "id-number"}),
        **kwargs,
    )


class LookupForm(forms.Form):
    """Who is at the window: the ID number read from the card (and, for a person without an
    account, the name on it)."""

    id_number = _id_number_field(label=_("ID number"))
    name = forms.CharField(
        label=_("Name on the ID card"),
        required=False,
        max_length=50,
        help_text=_("Needed only to register a person who has no account yet."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs["autofocus"] = True

    def clean_id_number(self) -> str:
        try:
            return validate_id_number(self.cleaned_data["id_number"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None


class IntakeForm(forms.Form):
    """Open an application for the person at the window (帮办代办 when they authorise the
    clerk on paper)."""

    service = forms.ChoiceField(
        label=_("Service"),
        error_messages={"invalid_choice": _("This service is not taken in at your window.")},
    )
    basis = forms.ChoiceField(
        label=_("The person authorises you"),
        choices=[
            (AuthorisationBasis.IN_PERSON, _("In person: they are at the window")),
            (AuthorisationBasis.PAPER, _("On paper: a signed authorisation (帮办代办)")),
        ],
        initial=AuthorisationBasis.IN_PERSON,
        widget=forms.RadioSelect,
    )
    evidence = forms.FileField(
        label=_("Scan of the signed authorisation"),
        required=False,
        help_text=_("Only for a paper authorisation: a PDF, JPEG, PNG or OFD file."),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, services: list[ImplementationVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {version.implementation.code: version for version in services}
        self.fields["service"].choices = [("", _("Choose…"))] + [
            (code, f"{version.name} · {version.implementation.department.name}")
            for code, version in self.versions.items()
        ]

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not TOKEN_PATTERN.fullmatch(token):
            raise forms.ValidationError(_("Please reload the page and try again."))
        return token

    def version(self) -> ImplementationVersion:
        return self.versions[self.cleaned_data["service"]]


def _material_choices(materials: list[Material]) -> list[tuple[str, str]]:
    return [(material.key, material.name) for material in materials]


class AcceptForm(forms.Form):
    """受理; with tolerable materials checked, 容缺受理 with a supply date."""

    deferred_materials = forms.MultipleChoiceField(
        label=_("Materials to be supplied later (容缺)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deferred_until = forms.DateField(
        label=_("Supply by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Needed when materials are to be supplied later."),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, tolerable: list[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deferred_materials"].choices = _material_choices(tolerable)
        if not tolerable:
            del self.fields["deferred_materials"]
            del self.fields["deferred_until"]


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the application is not accepted"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed on the refusal notice (不予受理通知书) with the legal basis."),
    )


class CorrectionForm(forms.Form):
    """一次性告知: everything to correct, at once."""

    items = forms.MultipleChoiceField(
        label=_("What is missing or wrong"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = items

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("items") and not (cleaned.get("note") or "").strip():
            raise forms.ValidationError(
                _("Check what is missing or wrong, or explain it, so the applicant can correct it.")
            )
        return cleaned


class CommitmentForm(forms.Form):
    """告知承诺制: the materials the applicant's signed commitment stands in for."""

    materials = forms.MultipleChoiceField(
        label=_("Materials replaced by the commitment"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    signed = forms.BooleanField(
        label=_("The applicant has read and signed the commitment letter."), required=False
    )

    def __init__(self, *args: Any, materials: list[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = _material_choices(materials)


class DecideForm(forms.Form):
    """即办件: decided at the window."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("deny", _("Deny"))],
        initial="approve",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (the reason is needed for a denial)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HandOutForm(forms.Form):
    pickup_code = forms.CharField(
        label=_("Pickup code"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={**OFF, "inputmode": "numeric"}),
    )
    id_number = _id_number_field(label=_("or the applicant's ID number"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("pickup_code") and not cleaned.get("id_number"):
            raise forms.ValidationError(_("Enter the pickup code or the applicant's ID number."))
        return cleaned


class PostForm(forms.Form):
    express_carrier = forms.CharField(label=_("Carrier"), max_length=40)
    express_tracking = forms.CharField(
        label=_("Tracking number"), max_length=40, widget=forms.TextInput(attrs=OFF)
    )


class SupplyForm(forms.Form):
    """A deferred (容缺) material, supplied after acceptance."""

    material = forms.ChoiceField(label=_("Material"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, materials: list[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = _material_choices(materials)


class DeferredFilterForm(forms.Form):
    overdue = forms.BooleanField(label=_("Only overdue supplies"), required=False)


def min_supply_date() -> str:
    """The earliest supply date a date picker offers (tomorrow)."""
    return (timezone.localdate() + timedelta(days=1)).isoformat()
