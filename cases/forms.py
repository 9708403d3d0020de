"""HTML forms of the cases app: they parse input; the services decide what is valid.

The application's own questions are not here: `matters.forms_runtime.build_django_form`
renders them from the version's form fields.
"""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES
from identity.models import Authorisation, Organisation, User
from matters.models import ImplementationVersion

# What the start page's hidden token may look like (secrets.token_urlsafe output); it becomes
# the case's idempotency key, so a double-clicked button makes one case.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")


SELF = "self"
ORGANISATION = "organisation"
ON_BEHALF = "on_behalf"


class StartForm(forms.Form):
    """Who the application is for: the person signed in, an organisation they act for, or a
    person who authorised them (委托). The lists offered are the ones the person holds; the
    service checks them again when the case is made."""

    applying_as = forms.ChoiceField(
        label=_("I am applying"),
        choices=[
            (SELF, _("For myself")),
            (ORGANISATION, _("For an organisation I act for")),
            (ON_BEHALF, _("On behalf of a person who authorised me")),
        ],
        widget=forms.RadioSelect,
        initial=SELF,
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        help_text=_("Only when you apply for an organisation."),
        error_messages={"invalid_choice": _("You do not act for this organisation.")},
    )
    on_behalf_of = forms.ChoiceField(
        label=_("Person who authorised me"),
        required=False,
        help_text=_("Only when you apply on behalf of someone."),
        error_messages={
            "invalid_choice": _(
                "You have no valid authorisation from this person for this service."
            )
        },
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, user: User, version: ImplementationVersion, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisations: dict[str, Organisation] = {
            membership.organisation.credit_code: membership.organisation
            for membership in identity_selectors.memberships_of(user)
            if membership.role in ORGANISATION_ROLES
        }
        matter_code = version.implementation.matter.basic_code
        self.authorisations: dict[str, Authorisation] = {}
        principals: set[int] = set()
        for authorisation in identity_selectors.authorisations_held_by(user):
            # One entry per person: the newest authorisation that covers this service.
            if authorisation.matter_code in ("", matter_code) and (
                authorisation.principal_id not in principals
            ):
                principals.add(authorisation.principal_id)
                self.authorisations[str(authorisation.public_id)] = authorisation
        empty = [("", _("Choose…"))]
        self.fields["organisation"].choices = empty + [
            (code, f"{organisation.name} ({code})")
            for code, organisation in self.organisations.items()
        ]
        self.fields["on_behalf_of"].choices = empty + [
            (key, f"{a.principal.name} ({a.principal.masked_id_number})")
            for key, a in self.authorisations.items()
        ]
        # Offer only the ways open to this person; the others are still understood (and
        # answered with an error on their own field) when a request names them.
        applying_as = self.fields["applying_as"]
        applying_as.widget.choices = [
            (value, label)
            for value, label in applying_as.choices
            if value == SELF
            or (value == ORGANISATION and self.organisations)
            or (value == ON_BEHALF and self.authorisations)
        ]
        if not self.organisations:
            self.fields["organisation"].widget = forms.HiddenInput()
        if not self.authorisations:
            self.fields["on_behalf_of"].widget = forms.HiddenInput()
        if not self.has_choices:
            applying_as.widget = forms.HiddenInput()

    @property
    def has_choices(self) -> bool:
        """Whether the person has any way to apply other than for themselves."""
        return bool(self.organisations or self.authorisations)

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not TOKEN_PATTERN.fullmatch(token):
            raise ValidationError(
                _("This page has expired. Open the service guide and start again.")
            )
        return token

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        applying_as = data.get("applying_as")
        if applying_as == ORGANISATION and "organisation" not in self.errors:
            if not self.organisations:
                self.add_error("organisation", _("You do not act for this organisation."))
            elif not data.get("organisation"):
                self.add_error("organisation", _("Choose the organisation you apply for."))
        if applying_as == ON_BEHALF and "on_behalf_of" not in self.errors:
            if not self.authorisations:
                self.add_error(
                    "on_behalf_of",
                    _("You have no valid authorisation from this person for this service."),
                )
            elif not data.get("on_behalf_of"):
                self.add_error("on_behalf_of", _("Choose the person you apply for."))
        return data

    def parties(self) -> dict[str, Any]:
        """The case_create arguments for who the case is for (call after is_valid)."""
        applying_as = self.cleaned_data["applying_as"]
        organisation = None
        on_behalf_of = None
        if applying_as == ORGANISATION:
            organisation = self.organisations[self.cleaned_data["organisation"]]
        elif applying_as == ON_BEHALF:
            on_behalf_of = self.authorisations[self.cleaned_data["on_behalf_of"]].principal
        return {"organisation": organisation, "on_behalf_of": on_behalf_of}


class MaterialUploadForm(forms.Form):
    """One file for one material of the case. Only its presence is checked here: size and
    kind are judged from the bytes by the service."""

    material = forms.CharField(widget=forms.HiddenInput, max_length=64)
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        help_text=_("A PDF, JPEG, PNG or OFD file."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.ofd"}),
    )
