from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from identity import views
from identity.forms import AuditedSetPasswordForm, QueuedPasswordResetForm

app_name = "identity"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password-change"),
    path("preferences/", views.preferences, name="preferences"),
    path("authorisations/", views.authorisations, name="authorisations"),
    path(
        "authorisations/<uuid:public_id>/revoke/",
        views.authorisation_revoke,
        name="authorisation-revoke",
    ),
    path("two-factor/", views.two_factor, name="two-factor"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=QueuedPasswordResetForm,
            template_name="identity/password_reset.html",
            email_template_name="identity/email/password_reset.txt",
            subject_template_name="identity/email/password_reset_subject.txt",
            success_url=reverse_lazy("identity:password-reset-sent"),
        ),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="identity/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=AuditedSetPasswordForm,
            template_name="identity/password_reset_confirm.html",
            success_url=reverse_lazy("identity:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="identity/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]
