from django.urls import path

from zeren.targets import views

app_name = "targets"
urlpatterns = [
    path("", views.index, name="index"),
    path("t/<int:target_id>/", views.target, name="target"),
    path("t/<int:target_id>/report/", views.report, name="report"),
    path("letters/", views.letters, name="letters"),
    path("letters/<str:unit_code>/<int:year>/", views.letter, name="letter"),
    path("letters/<str:unit_code>/<int:year>/files/<str:sha256>/", views.letter_file, name="letter_file"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:notice_id>/", views.notice_action, name="notice_action"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/<int:assessment_id>/", views.assessment, name="assessment"),
    path("appeals/", views.appeals, name="appeals"),
    path("import/", views.import_page, name="import"),
    path("white-papers/", views.papers, name="papers"),
    path("white-papers/manage/", views.papers_manage, name="papers_manage"),
    path("white-papers/manage/<int:paper_id>/", views.paper_manage, name="paper_manage"),
    path("white-papers/<str:unit_code>/<int:year>/", views.paper, name="paper"),
]
