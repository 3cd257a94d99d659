from django.urls import path

from zeren.duties import views

app_name = "duties"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("import/", views.import_items, name="import"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("batches/", views.batches, name="batches"),
    path("drafts/", views.drafts, name="drafts"),
    path("drafts/<int:pk>/decide/", views.draft_decide, name="draft_decide"),
    path("analysis/", views.analysis, name="analysis"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("positions/", views.positions, name="positions"),
    path("positions/<int:pk>/", views.position_detail, name="position"),
    path("posts/<int:post_id>/position/", views.position_edit, name="position_edit"),
]
