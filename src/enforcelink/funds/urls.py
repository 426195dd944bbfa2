"""The fund pages (issue 15 §11)."""

from django.urls import path

from enforcelink.funds import views

urlpatterns = [
    path("cases/<int:pk>/funds/", views.case_funds, name="case-funds"),
    path("cases/<int:pk>/funds/receipt/", views.case_receipt, name="case-funds-receipt"),
    path("cases/<int:pk>/funds/propose/", views.case_propose, name="case-funds-propose"),
    path("cases/<int:pk>/funds/surplus/", views.case_surplus, name="case-funds-surplus"),
    path("funds/", views.court_ledger, name="funds-ledger"),
    path("funds/payouts/", views.payouts_page, name="funds-payouts"),
    path("funds/payouts/file/", views.payment_file, name="funds-payment-file"),
    path("funds/payouts/<int:pk>/<slug:verb>/", views.payout_action, name="funds-payout-action"),
    path("funds/unidentified/", views.unidentified_page, name="funds-unidentified"),
    path(
        "funds/unidentified/<int:pk>/<slug:verb>/",
        views.unidentified_action,
        name="funds-unidentified-action",
    ),
    path("funds/statements/", views.statements_page, name="funds-statements"),
]
