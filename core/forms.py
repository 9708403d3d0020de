"""Helpers that put service errors back into Django forms, on the field they concern."""

from django import forms

from core.errors import ApplicationError


def add_service_errors(form: forms.BaseForm, error: ApplicationError) -> None:
    """Show an ApplicationError on its fields; what is not a field of the form goes on top."""
    if not error.errors:
        form.add_error(None, str(error.message))
        return
    for field, messages in error.errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, str(message))
