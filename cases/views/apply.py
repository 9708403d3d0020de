"""Applying in the browser: form, draft, materials, check, submit, receipt."""

urlpatterns: list = []
