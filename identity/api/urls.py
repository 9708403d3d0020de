from django.urls import path
from knox import views as knox_views

from identity.api import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="api-register"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/logout/", knox_views.LogoutView.as_view(), name="api-logout"),
    path("auth/logout-all/", knox_views.LogoutAllView.as_view(), name="api-logout-all"),
    path("me/", views.MeView.as_view(), name="api-me"),
]
