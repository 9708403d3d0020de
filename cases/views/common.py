"""What the single-service and the bundle application pages share: saving, submitting and
uploading, with every refusal explained on the page."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.errors import CaseIncomplete, CaseNotEditable, TransitionImpossible
from cases.forms import MaterialUploadForm
from cases.models import Case
from core.errors import ApplicationError, NotFound
from matters.forms_runtime import ApplicationForm

# Renders the application page again: form, missing material keys, upload errors, status.
Render = Callable[..., HttpResponse]


def put_errors(form: ApplicationForm, errors: dict[str, list[Any]]) -> list[str]:
    """Put a service's errors ("form.<key>", "materials.<key>") on the form's fields, once;
    return the keys of the materials said to be missing."""
    form.is_valid()  # the form's own check first, so a message it already shows is not repeated
    missing: list[str] = []
    for key, messages_ in errors.items():
        kind, _dot, name = key.partition(".")
        if kind == "materials":
            missing.append(name)
            continue
        field = name if kind == "form" and name in form.fields else None
        if field is not None and form.has_error(field):
            continue
        for message in messages_:
            form.add_error(field, str(message))
    return missing


def not_editable(request: HttpRequest, case: Case, *, submitting: bool = False) -> HttpResponse:
    """To the case page of an application that was sent (or withdrawn) meanwhile. The second
    request of a double-clicked "Check and submit" ends here silently: the first one sent it."""
    if not submitting:
        messages.info(
            request,
            _("This application can no longer be changed. Its case page shows where it stands."),
        )
    return redirect("cases:detail", number=case.number)


def save_and_submit(
    request: HttpRequest,
    *,
    case: Case,
    form: ApplicationForm,
    save: Callable[[dict[str, Any]], dict[str, list[Any]]],
    submit: Callable[[], object],
    missing_materials: Callable[[], list[str]],
    render: Render,
    edit_url_name: str,
    submitted_message: str,
) -> HttpResponse:
    """Save the answers of the posted form (暂存); when asked, check and submit the whole
    application, listing at once everything still missing (一次性告知)."""
    submitting = request.POST.get("action") == "submit"
    # Only the questions of the form are read: other keys in the request are ignored.
    answers = {key: request.POST.get(key) for key in form.fields}
    try:
        errors = save(answers)
    except NotFound:
        raise Http404 from None
    except CaseNotEditable:
        return not_editable(request, case, submitting=submitting)
    if not submitting:
        if errors:
            put_errors(form, errors)
            return render(form=form)
        messages.success(
            request, _("Your answers have been saved. You can come back and continue later.")
        )
        return redirect(edit_url_name, number=case.number)
    if errors:
        # Wrong answers are not sent on; everything else still missing is listed with them.
        put_errors(form, errors)
        return render(form=form, missing=missing_materials())
    try:
        submit()
    except CaseIncomplete as error:
        return render(form=form, missing=put_errors(form, error.errors))
    except NotFound:
        raise Http404 from None
    except TransitionImpossible:
        return not_editable(request, case, submitting=True)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("cases:detail", number=case.number)
    messages.success(request, submitted_message)
    return redirect("cases:detail", number=case.number)


def upload(
    request: HttpRequest,
    *,
    case: Case,
    attach: Callable[..., object],
    render: Render,
    edit_url_name: str,
) -> HttpResponse:
    """Attach the posted file of one material; a refused file is explained on the application
    page with the status that says why (400, 413 too large, 415 not an accepted kind)."""
    form = MaterialUploadForm(request.POST, request.FILES)
    key = str(request.POST.get("material", ""))[:64]
    if not form.is_valid():
        problems = [str(message) for messages_ in form.errors.values() for message in messages_]
        return render(upload_errors={key: problems}, status=400)
    file = form.cleaned_data["file"]
    try:
        attach(
            case=case,
            actor=request.user,
            material_key=form.cleaned_data["material"],
            file=file,
            name=file.name or "",
        )
    except NotFound:
        raise Http404 from None
    except CaseNotEditable:
        return not_editable(request, case)
    except ApplicationError as error:
        problems = [str(message) for messages_ in error.errors.values() for message in messages_]
        return render(upload_errors={key: problems or [str(error.message)]}, status=error.status)
    messages.success(request, _("The file has been uploaded."))
    return redirect(reverse(edit_url_name, kwargs={"number": case.number}) + f"#material-{key}")
