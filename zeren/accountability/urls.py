from django.urls import path

from zeren.accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.index, name="index"),
    path("units.json", views.units_json, name="units_json"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.inbox_bulk, name="inbox_bulk"),
    path("inbox/export.<str:fmt>", views.inbox_export, name="inbox_export"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("complaints/", views.complaints, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/export.<str:fmt>", views.complaints_export, name="complaints_export"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:complaint_id>/attachments/<int:attachment_id>/", views.complaint_attachment,
         name="attachment"),
    path("incidents/", views.incidents, name="incidents"),
    path("reviews/<int:review_id>/", views.review_detail, name="review"),
    path("repeat/", views.repeat, name="repeat"),
    path("commendations/", views.commendations, name="commendations"),
    path("statistics/", views.stats_page, name="statistics"),
    # public (阳光问责): the complaint form, tracking, apologies, the annual report
    path("complain/", views.complain, name="complain"),
    path("track/", views.track, name="track_lookup"),
    path("track/<str:tracking>/", views.track, name="track"),
    path("apologies/", views.apologies, name="apologies"),
    path("report/<int:year>/", views.report, name="report"),
    path("report/<int:year>.pdf", views.report_pdf, name="report_pdf"),
]
