from django.urls import path

from zeren.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("history/<str:object_type>/<str:object_id>/", views.history, name="history"),
]
