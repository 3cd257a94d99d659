from django.urls import path

from zeren.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/act/", views.round_act, name="round_act"),
    path("rounds/<int:pk>/values/", views.round_values, name="round_values"),
    path("rounds/<int:pk>/report.pdf", views.round_pdf, name="round_pdf"),
    path("rounds/<int:pk>/units/<str:code>/", views.unit_result, name="unit"),
    path("proposals/", views.proposals, name="proposals"),
    path("proposals/<int:pk>/", views.proposal_decide, name="proposal"),
    path("surveys/<str:code>/", views.survey_results_page, name="survey_results"),
    path("s/<str:code>/", views.survey_form, name="survey_form"),
]
