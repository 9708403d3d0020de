"""Browser pages of cases: applying (cases.views.apply) and My space (cases.views.my_space)."""

from cases.views import apply, my_space

app_name = "cases"

urlpatterns = [*apply.urlpatterns, *my_space.urlpatterns]
