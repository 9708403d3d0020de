"""Browser pages of supervision under /supervision/: cards, ratings and follow-ups,
complaints. (The dashboards, audit search and exports are in views/dashboard_urls.py.)"""

from supervision.views import cards, complaints, ratings

app_name = "supervision"

urlpatterns = [
    *cards.urlpatterns,
    *ratings.urlpatterns,
    *complaints.urlpatterns,
    # --- F2: dashboards, audit search and exports may add their patterns here -------------
]
