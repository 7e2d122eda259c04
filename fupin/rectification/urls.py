from django.urls import path

from fupin.rectification.views import campaigns, complaints, problems, public

app_name = "rectification"
urlpatterns = [
    path("rectification/problems/", problems.problem_list, name="problem-list"),
    path("rectification/problems/new/", problems.problem_create, name="problem-create"),
    path("rectification/problems/ledger/", problems.ledger_export, name="ledger-export"),
    path(
        "rectification/problems/<int:problem_id>/", problems.problem_detail, name="problem-detail"
    ),
    path("rectification/problems/<int:problem_id>/tasks/", problems.task_add, name="task-add"),
    path(
        "rectification/tasks/<int:task_id>/progress/", problems.task_progress, name="task-progress"
    ),
    path("rectification/tasks/<int:task_id>/submit/", problems.task_submit, name="task-submit"),
    path("rectification/tasks/<int:task_id>/review/", problems.task_review, name="task-review"),
    path("rectification/report/", problems.progress_report, name="progress-report"),
    path("rectification/complaints/", complaints.complaint_list, name="complaint-list"),
    path("rectification/complaints/new/", complaints.complaint_create, name="complaint-create"),
    path(
        "rectification/complaints/<int:complaint_id>/",
        complaints.complaint_detail,
        name="complaint-detail",
    ),
    path(
        "rectification/complaints/<int:complaint_id>/step/",
        complaints.complaint_step,
        name="complaint-step",
    ),
    path(
        "rectification/complaints/<int:complaint_id>/problem/",
        complaints.complaint_to_problem,
        name="complaint-to-problem",
    ),
    path(
        "rectification/complaints/<int:complaint_id>/clue/",
        complaints.complaint_to_clue,
        name="complaint-to-clue",
    ),
    path("rectification/campaigns/", campaigns.campaign_list, name="campaign-list"),
    path("rectification/campaigns/new/", campaigns.campaign_create, name="campaign-create"),
    path(
        "rectification/campaigns/<int:campaign_id>/",
        campaigns.campaign_detail,
        name="campaign-detail",
    ),
    path(
        "rectification/campaigns/<int:campaign_id>/finish/",
        campaigns.campaign_finish,
        name="campaign-finish",
    ),
    path(
        "rectification/campaigns/<int:campaign_id>/visits/",
        campaigns.visit_list,
        name="visit-list",
    ),
    path("rectification/visits/<int:visit_id>/", campaigns.visit_detail, name="visit-detail"),
    path("complaint/", public.complaint_public, name="complaint-public"),
    path("complaint/done/", public.complaint_public_done, name="complaint-public-done"),
    path("complaint/receipt/", public.complaint_receipt, name="complaint-receipt"),
]
