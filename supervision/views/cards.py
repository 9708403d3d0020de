"""The deadline cards (黄牌/红牌) list for supervisors and department staff."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from supervision import policies, selectors
from supervision.constants import CardColour, CardKind
from supervision.views.common import page_of


class CardFilterForm(forms.Form):
    colour = forms.ChoiceField(
        label=_("Colour"), required=False, choices=[("", _("All colours")), *CardColour.choices]
    )
    kind = forms.ChoiceField(
        label=_("About"), required=False, choices=[("", _("Everything")), *CardKind.choices]
    )
    closed = forms.BooleanField(label=_("Include closed cards"), required=False)


@login_required
@require_safe
def cards(request: HttpRequest) -> HttpResponse:
    if not policies.is_department_staff(request.user):
        raise PermissionDenied
    form = CardFilterForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    filters = selectors.CardFilter(
        colour=data.get("colour", ""),
        kind=data.get("kind", ""),
        open_only=not data.get("closed", False),
    )
    page_obj, page_range = page_of(request, selectors.cards_for(request.user, filters))
    return render(
        request,
        "supervision/card_list.html",
        {"form": form, "page_obj": page_obj, "page_range": page_range},
        status=200 if valid else 400,
    )


urlpatterns = [path("cards/", cards, name="cards")]
