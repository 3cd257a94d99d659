from django.urls import path

from zeren.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.index, name="index"),
    path("items/", views.items, name="items"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("cases/<str:case_id>/", views.case_detail, name="case"),
    path("alerts/<int:alert_id>/move/", views.move_alert, name="move_alert"),
    path("public/", views.public, name="public"),
]
