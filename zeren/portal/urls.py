from django.urls import path

from zeren.portal import views

app_name = "portal"
urlpatterns = [
    path("public/", views.index, name="index"),
    path("transparency/", views.transparency, name="transparency"),
]
