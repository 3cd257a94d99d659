"""The public sunshine pages (阳光工程), included by ``zeren.portal.urls`` at ``/sunshine/``
(names in the ``portal`` namespace)."""

from django.urls import path

from zeren.oversight import views

urlpatterns = [
    path("", views.sunshine_index, name="sunshine"),
    path("<int:pk>/", views.sunshine_item, name="sunshine_item"),
    path("<int:pk>/files/<int:attachment_id>/", views.sunshine_attachment, name="sunshine_attachment"),
    path("feed.atom", views.sunshine_feed, name="sunshine_feed"),
    path("data.json", views.sunshine_json, name="sunshine_json"),
    path("data.csv", views.sunshine_csv, name="sunshine_csv"),
]
