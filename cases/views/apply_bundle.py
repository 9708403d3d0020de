"""Applying for a 一件事 bundle in the browser: one merged form and one set of materials."""

urlpatterns: list = []
