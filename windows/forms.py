"""Forms of the hall pages: they parse input; windows.services decides."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matters.models import Implementation
from windows import selectors
from windows.constants import Queue
from windows.models import AppointmentSlot, Hall, Window


def queue_choices(hall: Hall) -> list[tuple[str, Any]]:
    return [(code, Queue(code).label) for code in selectors.hall_queues(hall)]


class TakeTicketForm(forms.Form):
    hall = forms.ModelChoiceField(label=_("Hall"), queryset=Hall.objects.none())
    category = forms.ChoiceField(label=_("Queue"), choices=Queue.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = selectors.halls()


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AppointmentSlot) -> str:
        start, end = timezone.localtime(obj.starts_at), timezone.localtime(obj.ends_at)
        return _("%(day)s %(start)s–%(end)s (%(free)s free)") % {
            "day": f"{start:%Y-%m-%d}",
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
            "free": obj.free,
        }


class CategoryForm(forms.Form):
    """Which queue the person wants an appointment for (on the query string)."""

    category = forms.ChoiceField(label=_("Category"), choices=())

    def __init__(self, *args: Any, hall: Hall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = queue_choices(hall)


class BookForm(forms.Form):
    implementation = forms.ModelChoiceField(
        label=_("Service"), queryset=Implementation.objects.none()
    )
    slot = SlotChoiceField(label=_("Time"), queryset=AppointmentSlot.objects.none())

    def __init__(self, *args: Any, hall: Hall, category: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = selectors.implementations_of_hall(hall, category=category)
        names = dict(versions.values_list("implementation_id", "name"))
        field = self.fields["implementation"]
        field.queryset = Implementation.objects.filter(pk__in=names).order_by("code")
        field.label_from_instance = lambda service: names.get(service.pk, service.code)
        self.fields["slot"].queryset = selectors.free_slots(hall, category=category)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Appointment code"),
        max_length=12,
        help_text=_("The eight letters and digits of your booking."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class WindowSignInForm(forms.Form):
    window = forms.ModelChoiceField(label=_("Window"), queryset=Window.objects.none())

    def __init__(self, *args: Any, clerk: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = selectors.windows_of_clerk(clerk).filter(is_active=True)
        self.fields["window"].label_from_instance = window_label


def window_label(window: Window) -> str:
    queues = "、".join(window.get_queue_labels())
    return f"{window.hall} · {window} · {queues}"


class IssueForm(forms.Form):
    category = forms.ChoiceField(label=_("Queue"), choices=())

    def __init__(self, *args: Any, hall: Hall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = queue_choices(hall)


class TransferForm(forms.Form):
    """Where the person goes on: a window of the hall or a queue (one of the two)."""

    window = forms.ModelChoiceField(
        label=_("To window"), queryset=Window.objects.none(), required=False
    )
    category = forms.ChoiceField(label=_("Or to queue"), choices=(), required=False)

    def __init__(self, *args: Any, window: Window, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = selectors.hall_windows(window.hall).exclude(pk=window.pk)
        self.fields["window"].queryset = others
        self.fields["window"].label_from_instance = lambda other: " · ".join(
            [str(other), "、".join(other.get_queue_labels())]
        )
        self.fields["category"].choices = [("", "---------"), *queue_choices(window.hall)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("window")) == bool(data.get("category")):
            raise forms.ValidationError(_("Choose either a window or a queue."))
        return data
