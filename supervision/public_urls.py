"""The public satisfaction figures (好差评 results in aggregate), at /ratings/."""

from django.urls import path

from supervision.views.ratings import public_ratings

app_name = "ratings"

urlpatterns = [path("", public_ratings, name="public")]
