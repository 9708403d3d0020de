"""Forms of the catalogue's admin site: they parse and check input, the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from identity.constants import OrganisationKind
from identity.models import Organisation, Region
from matters.models import Implementation, ImplementationVersion, Matter
from matters.spreadsheet import CONTENT_TYPE, MAX_FILE_BYTES

# The elements of a version a catalogue admin edits while it is a draft.
VERSION_ELEMENTS = [
    "name",
    "legal_basis",
    "conditions",
    "process",
    "handling_kind",
    "statutory_limit_days",
    "promised_limit_days",
    "visits_required",
    "online_depth",
    "supports_appointment",
    "window_category",
    "notification_commitment",
    "cross_region_scope",
    "result_name",
    "result_certificate_type",
    "delivery_window",
    "delivery_post",
    "delivery_electronic",
    "contact_phone",
    "complaint_phone",
    "hall_address",
    "hall_hours",
]
IMPLEMENTATION_PARTS = ["matter", "region", "department", "suffix"]


class VersionCreateForm(forms.ModelForm):
    """A new implementation: its parts (which make its code) and its first version."""

    matter = forms.ModelChoiceField(queryset=Matter.objects.all(), label=_("matter"))
    region = forms.ModelChoiceField(queryset=Region.objects.all(), label=_("region"))
    department = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT),
        label=_("implementing department"),
    )
    suffix = forms.CharField(
        label=_("handling-item suffix"),
        max_length=4,
        initial="1-00",
        help_text=_("1-00 unless the matter is split into several handling items."),
    )

    class Meta:
        model = ImplementationVersion
        fields = [*IMPLEMENTATION_PARTS, "change_note", *VERSION_ELEMENTS]

    def clean(self) -> dict:
        cleaned = super().clean()
        parts = {name: cleaned.get(name) for name in IMPLEMENTATION_PARTS}
        if any(value in (None, "") for value in parts.values()):
            return cleaned
        implementation = Implementation(
            **parts,
            code=Implementation.build_code(
                basic_code=parts["matter"].basic_code,
                region_code=parts["region"].code,
                credit_code=parts["department"].credit_code,
                suffix=parts["suffix"],
            ),
        )
        if Implementation.objects.filter(code=implementation.code).exists():
            raise ValidationError(
                _(
                    "This implementation exists already (%(code)s). To change it, create a new "
                    "draft version of its published version."
                ),
                params={"code": implementation.code},
            )
        try:
            implementation.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Catalogue workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{CONTENT_TYPE}"}),
    )
    publish = forms.BooleanField(
        label=_("Publish the new and changed versions at once"),
        required=False,
        help_text=_(
            "Otherwise they are kept as draft versions, for you to review and publish in the "
            "list of versions."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("This file is too large: a catalogue workbook may have at most 10 MB.")
            )
        return upload
