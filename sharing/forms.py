"""Forms of the exchange's pages: they parse; the services decide what is valid."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from identity.models import Organisation
from sharing.constants import PURPOSE_MAX_LENGTH, SharingClass, SubjectKind, UpdateFrequency
from sharing.models import Resource


class DepartmentChoiceMixin:
    """A "department" choice only for staff acting for several departments."""

    def add_department(
        self, departments: list[Organisation], label: Any, initial: Organisation | None = None
    ) -> None:
        self.departments = {str(d.pk): d for d in departments}
        if len(departments) > 1:
            self.fields["department"] = forms.ChoiceField(  # type: ignore[attr-defined]
                label=label,
                choices=[(str(d.pk), d.name) for d in departments],
                initial=str(initial.pk) if initial else None,
            )

    def department(self) -> Organisation:
        chosen = self.cleaned_data.get("department")  # type: ignore[attr-defined]
        if chosen:
            return self.departments[chosen]
        return next(iter(self.departments.values()))


def fields_to_text(fields: list[dict[str, str]]) -> str:
    return "\n".join(f"{item['key']}: {item['label']}" for item in fields)


class ResourceForm(DepartmentChoiceMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("Lower-case letters, digits and underscores, e.g. hjxx. It cannot change."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    subject_kind = forms.ChoiceField(label=_("Records are about"), choices=SubjectKind.choices)
    field_lines = forms.CharField(
        label=_("Fields"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One field per line: key, a colon and the label, e.g. “address: 住址”."),
    )
    update_frequency = forms.ChoiceField(
        label=_("Update frequency"), choices=UpdateFrequency.choices
    )
    sharing_class = forms.ChoiceField(label=_("Sharing class"), choices=SharingClass.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_published = forms.BooleanField(
        label=_("Published in the catalogue"), required=False, initial=True
    )

    def __init__(
        self,
        *args: Any,
        departments: list[Organisation],
        resource: Resource | None = None,
        **kwargs: Any,
    ) -> None:
        if resource is not None:
            kwargs.setdefault(
                "initial",
                {
                    "code": resource.code,
                    "name": resource.name,
                    "subject_kind": resource.subject_kind,
                    "field_lines": fields_to_text(resource.fields),
                    "update_frequency": resource.update_frequency,
                    "sharing_class": resource.sharing_class,
                    "description": resource.description,
                    "is_published": resource.is_published,
                },
            )
        super().__init__(*args, **kwargs)
        if resource is not None:
            del self.fields["code"]
        else:
            self.add_department(departments, _("Providing department"))

    def clean_field_lines(self) -> list[dict[str, str]]:
        fields = []
        for number, line in enumerate(self.cleaned_data["field_lines"].splitlines(), start=1):
            if not line.strip():
                continue
            key, colon, label = line.replace("：", ":").partition(":")
            if not colon:
                raise forms.ValidationError(
                    _("Line %(number)s has no colon between the key and the label."),
                    params={"number": number},
                )
            fields.append({"key": key.strip(), "label": label.strip()})
        return fields

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("field_lines")
        data.pop("department", None)
        return data


class RequestForm(DepartmentChoiceMixin, forms.Form):
    """A request for a conditional resource, or the registration for an unconditional one."""

    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=PURPOSE_MAX_LENGTH,
        help_text=_("What your department needs the data for, e.g. the services it handles."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The law, regulation or policy that allows this use of the data."),
    )
    fields = forms.MultipleChoiceField(
        label=_("Fields needed"), widget=forms.CheckboxSelectMultiple
    )
    valid_until = forms.DateField(
        label=_("Needed until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args: Any, resource: Resource, departments: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.add_department(departments, _("Requesting department"))
        if resource.sharing_class == SharingClass.UNCONDITIONAL:
            # Registration: the whole resource, no conditions to argue.
            for name in ("legal_basis", "fields", "valid_until"):
                del self.fields[name]
        else:
            self.fields["fields"].choices = [
                (item["key"], item["label"]) for item in resource.fields
            ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Review"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept: send it to the provider")),
            ("reject", _("Do not accept (give the reason)")),
        ],
    )
    comment = forms.CharField(
        label=_("Opinion or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("grant", _("Grant")), ("refuse", _("Refuse (give the reason)"))],
    )
    fields = forms.MultipleChoiceField(
        label=_("Fields granted"), widget=forms.CheckboxSelectMultiple, required=False
    )
    valid_until = forms.DateField(
        label=_("Granted until (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    comment = forms.CharField(
        label=_("Reason or remarks"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = choices
        self.fields["fields"].initial = [key for key, _label in choices]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(label=_("Withdraw this request"))


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("What do you object to?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Your objection is handled as a complaint: you will get an answer within the "
            "complaint deadline."
        ),
    )
