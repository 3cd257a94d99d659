from django.urls import path

from zeren.supervision.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.index, name="index"),
    path("bottlenecks/", views.bottleneck_view, name="bottlenecks"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/dependencies/", views.add_dependency, name="add_dependency"),
]
