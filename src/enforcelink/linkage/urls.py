from django.urls import path

from enforcelink.linkage import views

urlpatterns = [
    path("cases/<int:pk>/requests/", views.case_requests, name="case-requests"),
    path("cases/<int:pk>/requests/units/", views.case_request_units, name="case-request-units"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/sheet/", views.reply_sheet, name="reply-sheet"),
    path("inbox/upload/", views.reply_upload, name="reply-upload"),
    path("linkage/performance/", views.unit_performance, name="unit-performance"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/notice/<str:fmt>/", views.notice_download, name="request-notice"),
    path("requests/<int:pk>/ruling/<str:fmt>/", views.ruling_download, name="request-ruling"),
    path("requests/<int:pk>/attachments/<int:aid>/", views.attachment_download, name="request-attachment"),
    path("requests/<int:pk>/actions/<slug:name>/", views.request_action, name="request-action"),
    path("requests/approvals/", views.approvals, name="request-approvals"),
    path("requests/<int:pk>/decision/<slug:decision>/", views.request_decide, name="request-decide"),
    path("requests/waiting/", views.waiting, name="request-waiting"),
    path("requests/batch/", views.batch_new, name="request-batch-new"),
    path("requests/batch/<uuid:batch>/", views.batch_result, name="request-batch"),
]
