from django.urls import path

from enforcelink.documents import batch_views, views

urlpatterns = [
    path("verify/", views.verify, name="document-verify"),
    path("verify/<str:code>/", views.verify, name="document-verify-code"),
    path("documents/<int:pk>/<str:fmt>/", views.download, name="document-download"),
    path("cases/<int:pk>/documents/<str:kind>/", views.case_issue, name="case-document-issue"),
    # 文书集中制作 (issue 3 §3)
    path("documents/batches/", batch_views.batch_list, name="document-batch-list"),
    path("documents/batches/new/", batch_views.batch_new, name="document-batch-new"),
    path("documents/batches/<int:pk>/", batch_views.batch_detail, name="document-batch-detail"),
    path("documents/batches/<int:pk>/progress/", batch_views.batch_progress, name="document-batch-progress"),
    path("documents/batches/<int:pk>/resume/", batch_views.batch_resume, name="document-batch-resume"),
    path("documents/batches/<int:pk>/zip/", batch_views.batch_zip, name="document-batch-zip"),
]
