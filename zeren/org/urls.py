from django.urls import path

from zeren.org import views

app_name = "org"
urlpatterns = [
    path("", views.index, name="index"),
    path("tree/<str:code>/", views.tree_children, name="tree_children"),
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("persons/<str:code>/", views.person_detail, name="person"),
    path("search/", views.search, name="search"),
    path("units.json", views.units_json, name="units_json"),
]
