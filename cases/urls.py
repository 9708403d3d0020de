"""Browser pages of cases: applying for a service or a bundle, My space, and the back
office (the department queue and the review page)."""

from cases.views import apply, apply_bundle, department_inbox, my_space, queue, review

app_name = "cases"

urlpatterns = [
    *department_inbox.urlpatterns,
    # Before my_space's "<str:number>/", which would take "queue" for a case number.
    *queue.urlpatterns,
    *review.urlpatterns,
    *apply.urlpatterns,
    *apply_bundle.urlpatterns,
    *my_space.urlpatterns,
]
