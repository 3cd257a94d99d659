from django.urls import include, path

from zeren.portal import views

app_name = "portal"
urlpatterns = [
    path("public/", views.index, name="index"),
    path("public/results/", views.results, name="results"),
    path("public/accountability/", views.accountability, name="accountability"),
    path("transparency/", views.transparency, name="transparency"),
    path("sunshine/", include("zeren.oversight.public_urls")),  # 阳光工程, built by zeren.oversight
]
