from django.urls import path

from matters import views

app_name = "matters"

urlpatterns = [
    path("", views.catalogue_home, name="home"),
    path("search/", views.search, name="search"),
    path("bundles/", views.bundle_list, name="bundle-list"),
    path("bundles/<slug:code>/", views.bundle_detail, name="bundle-detail"),
    path("<str:code>/", views.guide, name="guide"),
    path("<str:code>/guide.pdf", views.guide_pdf, name="guide-pdf"),
    path(
        "<str:code>/materials/<str:key>/<str:kind>/",
        views.material_file,
        name="material-file",
    ),
]
