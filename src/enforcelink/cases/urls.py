from django.urls import path

from enforcelink.cases import views

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/new/", views.case_new, name="case-new"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/parties/<int:party_pk>/reveal/", views.party_reveal, name="party-reveal"),
    path("cases/<int:pk>/actions/<slug:name>/", views.case_action, name="case-action"),
    path("command/overdue/", views.command_overdue, name="command-overdue"),
]
