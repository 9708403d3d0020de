"""HTML forms of the public catalogue: they parse input; the selectors decide what it finds."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from matters.constants import Audience, HandlingKind, OnlineDepth
from matters.selectors import SEARCH_MAX_LENGTH

ANY = [("", _("Any"))]


class SearchForm(forms.Form):
    """The search box and filters of the catalogue search (a GET form).

    The length of the search text is the search selector's rule (SearchTooLong): the form does
    not repeat it, the view shows the selector's error on the q field.
    """

    q = forms.CharField(
        label=_("Search services"),
        required=False,
        strip=True,
        help_text=_("Words of the service name, its pinyin initials (e.g. qysldj) or its code."),
        # maxlength only helps the browser; the search selector enforces the limit.
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "maxlength": SEARCH_MAX_LENGTH}
        ),
    )
    audience = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[
            *ANY,
            (Audience.PERSON, _("Persons")),
            (Audience.LEGAL_PERSON, _("Legal persons")),
        ],
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    online_depth = forms.TypedChoiceField(
        label=_("Online depth"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[*ANY, *OnlineDepth.choices],
    )
    handling_kind = forms.ChoiceField(
        label=_("Handling kind"), required=False, choices=[*ANY, *HandlingKind.choices]
    )
    one_visit = forms.BooleanField(
        label=_("At most one visit to the hall"),
        required=False,
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )

    def __init__(
        self,
        *args: Any,
        themes: Iterable[tuple[str, str]] = (),
        departments: Iterable[tuple[str, str]] = (),
        regions: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [*ANY, *themes]
        self.fields["department"].choices = [*ANY, *departments]
        self.fields["region"].choices = [*ANY, *regions]

    FILTERS = ("audience", "theme", "department", "region", "online_depth", "handling_kind")

    @property
    def has_filters(self) -> bool:
        """Whether a filter (other than the words) was asked for: the filters panel opens."""
        data = self.data
        return any(data.get(name) for name in (*self.FILTERS, "one_visit"))

    def search_params(self) -> dict[str, Any]:
        """The keyword arguments of `selectors.implementation_search`, from valid input."""
        data = self.cleaned_data
        return {
            "q": data["q"],
            "department": data["department"],
            "region": data["region"],
            "online_depth": data["online_depth"],
            "handling_kind": data["handling_kind"],
            "at_most_one_visit": data["one_visit"],
            "theme": data["theme"],
            "audience": data["audience"],
        }
