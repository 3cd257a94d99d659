"""The workbench (我的工作台), mounted at /workbench/ by zeren.urls: every role's landing page."""

from django.urls import path

from zeren.cockpit import views

app_name = "workbench"
urlpatterns = [
    path("", views.workbench, name="index"),
    path("count/", views.count, name="count"),
    path("urge/", views.urge, name="urge"),
]
