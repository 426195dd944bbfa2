from django.urls import path

from enforcelink.assets.reports import views

CASE = "cases/<int:pk>/"

urlpatterns = [
    path(f"{CASE}property-reports/<int:report>/enter/", views.report_enter, name="property-report-enter"),
    path(f"{CASE}property-reports/<int:report>/link/", views.report_link, name="property-report-link"),
    path(
        f"{CASE}property-reports/<int:report>/compare/", views.report_compare, name="property-report-compare"
    ),
    path(f"{CASE}report-findings/<int:finding>/decide/", views.finding_decide, name="report-finding-decide"),
    path(f"{CASE}leads/", views.lead_add, name="lead-add"),
    path(f"{CASE}leads/<int:lead>/inquire/", views.lead_inquire, name="lead-inquire"),
    path(f"{CASE}leads/<int:lead>/link/", views.lead_link, name="lead-link"),
    path(f"{CASE}leads/<int:lead>/conclude/", views.lead_conclude, name="lead-conclude"),
    path(f"{CASE}reinquiries/<int:row>/resume/", views.reinquiry_resume, name="reinquiry-resume"),
    # The debtor's one-time form: public, no sign-in (the token is the only key).
    path("report/<str:token>/", views.report_public, name="property-report-public"),
]
