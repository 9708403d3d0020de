"""My space: my cases, the case page, corrections, withdrawal, delivery, inbox."""

urlpatterns: list = []
