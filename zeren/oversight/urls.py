from django.urls import path

from zeren.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("publications/", views.publications, name="publications"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("checklist/", views.checklist, name="checklist"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral, name="referral"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("network/", views.network, name="network"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/", views.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("external/", views.external, name="external"),
    path("report/", views.congress_report, name="report"),
    path("report.pdf", views.congress_report_pdf, name="report_pdf"),
    path("checks/", views.run_checks, name="run_checks"),
]
