from django.urls import path

from enforcelink.assets.expiry import views

urlpatterns = [
    path("controls/expiring/", views.expiring, name="controls-expiring"),
    path("command/controls-expiring/", views.command_expiring, name="command-controls-expiring"),
]
