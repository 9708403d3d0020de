"""The public verification pages, /verify/ and /verify/{code}."""

from django.urls import path

from certificates import views

app_name = "verify"

urlpatterns = [
    path("", views.verify_home, name="home"),
    path("<str:code>", views.verify_page, name="page"),
]
