"""The fund pages (issue 15 §11)."""

from django.urls import path

from enforcelink.funds import fee_views, views

urlpatterns = [
    path("cases/<int:pk>/funds/", views.case_funds, name="case-funds"),
    path("cases/<int:pk>/funds/receipt/", views.case_receipt, name="case-funds-receipt"),
    path("cases/<int:pk>/funds/propose/", views.case_propose, name="case-funds-propose"),
    path("cases/<int:pk>/funds/surplus/", views.case_surplus, name="case-funds-surplus"),
    path("cases/<int:pk>/funds/fee/", fee_views.case_fee_decide, name="case-funds-fee"),
    path("cases/<int:pk>/funds/fee/collect/", fee_views.case_fee_collect, name="case-funds-fee-collect"),
    path(
        "cases/<int:pk>/funds/journals/<int:journal_pk>/reverse/",
        views.case_journal_reverse,
        name="case-funds-reverse",
    ),
    path("funds/", views.court_ledger, name="funds-ledger"),
    path("funds/payouts/", views.payouts_page, name="funds-payouts"),
    path("funds/payouts/file/", views.payment_file, name="funds-payment-file"),
    path("funds/payouts/<int:pk>/<slug:verb>/", views.payout_action, name="funds-payout-action"),
    path("funds/unidentified/", views.unidentified_page, name="funds-unidentified"),
    path("funds/unidentified/<int:pk>/case/", views.unidentified_case, name="funds-unidentified-case"),
    path(
        "funds/unidentified/<int:pk>/<slug:verb>/",
        views.unidentified_action,
        name="funds-unidentified-action",
    ),
    path("funds/statements/", views.statements_page, name="funds-statements"),
]
