"""HTML forms of the identity app: they parse input; the services decide what is valid."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from identity.models import User
from identity.tasks import send_email


class RegistrationForm(forms.Form):
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=18,
        help_text=_("18 characters, as printed on your resident ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "text"}),
    )
    name = forms.CharField(
        label=_("Name"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        required=False,
        help_text=_("Used to reset your password and to send you notices."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords do not match."))
        return data


class SignInForm(forms.Form):
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        help_text=_("Staff only: the 6-digit code shown in your authenticator app."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ContactForm(forms.Form):
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AuthorisationForm(forms.Form):
    agent_id_number = forms.CharField(label=_("Agent's citizen ID number"), max_length=18)
    agent_name = forms.CharField(label=_("Agent's name"), max_length=50)
    matter_code = forms.CharField(
        label=_("Matter code"),
        max_length=64,
        required=False,
        help_text=_("Leave empty to authorise the agent for all matters."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail through Celery instead of during the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.delay(subject=subject, body=body, to=[to_email])


class AuditedSetPasswordForm(SetPasswordForm):
    user: User

    def save(self, commit: bool = True) -> User:
        from identity.services import user_reset_password

        return user_reset_password(user=self.user, new_password=self.cleaned_data["new_password1"])
