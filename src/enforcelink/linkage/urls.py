from django.urls import path

from enforcelink.linkage import views

urlpatterns = [
    path("cases/<int:pk>/requests/", views.case_requests, name="case-requests"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/sheet/", views.reply_sheet, name="reply-sheet"),
    path("inbox/upload/", views.reply_upload, name="reply-upload"),
    path("linkage/performance/", views.unit_performance, name="unit-performance"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("requests/<int:pk>/notice/<str:fmt>/", views.notice_download, name="request-notice"),
    path("requests/<int:pk>/actions/<slug:name>/", views.request_action, name="request-action"),
]
