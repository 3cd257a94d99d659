from django.urls import path

from zeren.cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.index, name="unit"),
]
