from django.contrib.auth import views as auth_views
from django.urls import path

from enforcelink.orgs import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    # Django's LogoutView accepts POST only, so a link or an image tag cannot sign anybody out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/", views.two_factor, name="two_factor"),
]
