from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate

GRANT_DURATIONS = [
    (1, _("1 hour")),
    (24, _("1 day")),
    (24 * 7, _("7 days")),
    (24 * 30, _("30 days")),
]


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("The 10-character code printed under the QR code, e.g. ABCDE-FGHJK."),
    )


class GrantForm(forms.Form):
    recipient = forms.CharField(
        label=_("Who may view it"),
        max_length=100,
        help_text=_("A person or an organisation, e.g. the bank handling your loan."),
    )
    purpose = forms.CharField(label=_("What for"), max_length=200)
    hours = forms.TypedChoiceField(
        label=_("Open for"), choices=GRANT_DURATIONS, coerce=int, initial=24
    )


class GrantOpenForm(forms.Form):
    code = forms.CharField(
        label=_("Access code"),
        max_length=16,
        help_text=_("The holder gives you the 6-character code with the link."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplaceForm(forms.Form):
    """The certificate's fields, prefilled, and the reason for the new version."""

    reason = forms.CharField(label=_("Reason for the new version"), max_length=500)

    def __init__(self, *args: Any, certificate: Certificate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for spec in certificate.type.fields:
            fields[f"data_{spec['key']}"] = forms.CharField(
                label=spec["label"],
                required=False,
                max_length=2000,
                initial=certificate.data.get(spec["key"], ""),
            )
        # The data first, then the reason.
        self.fields = {**fields, "reason": self.fields["reason"]}

    def data_values(self) -> dict[str, str]:
        return {
            name.removeprefix("data_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("data_")
        }


class IssuedFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Identifier, verification code or holder"), max_length=96, required=False
    )
