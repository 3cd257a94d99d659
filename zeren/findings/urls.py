from django.urls import path

from zeren.findings import views

app_name = "findings"
urlpatterns = [
    path("", views.index, name="index"),
]
