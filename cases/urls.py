"""Browser pages of cases: applying for a service or a bundle, and My space."""

from cases.views import apply, apply_bundle, my_space

app_name = "cases"

urlpatterns = [*apply.urlpatterns, *apply_bundle.urlpatterns, *my_space.urlpatterns]
