from django.urls import path

from fupin.monitoring import calendar_views, public_views, views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/todo/", views.todo, name="todo"),
    path("monitoring/cases/", views.case_list, name="case-list"),
    path("monitoring/cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("monitoring/warnings/", views.warnings_generate, name="warnings-generate"),
    path("monitoring/cases/<int:case_id>/step/", views.case_step, name="case-step"),
    path("monitoring/cases/<int:case_id>/file/", views.case_file, name="case-file"),
    path("monitoring/cases/<int:case_id>/decide/", views.case_decide, name="case-decide"),
    path("monitoring/cases/<int:case_id>/objections/", views.objection_add, name="objection-add"),
    path(
        "monitoring/objections/<int:objection_id>/resolve/",
        views.objection_resolve,
        name="objection-resolve",
    ),
    path(
        "monitoring/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("monitoring/households/<int:household_id>/clue/", views.clue_create, name="clue-create"),
    path(
        "monitoring/households/<int:household_id>/elimination/",
        views.elimination_propose,
        name="elimination-propose",
    ),
    path(
        "monitoring/cases/<int:case_id>/household/",
        views.case_household_register,
        name="case-household-register",
    ),
    path(
        "monitoring/households/<int:household_id>/cases/",
        views.household_cases,
        name="household-cases",
    ),
    path("monitoring/apply-poster/", views.apply_poster, name="apply-poster"),
    path("monitoring/announcements/", views.announcements, name="announcements"),
    path("monitoring/calendar/", calendar_views.calendar_page, name="calendar"),
    path(
        "monitoring/clues/<int:clue_id>/reveal/<str:field>/",
        views.clue_reveal,
        name="clue-reveal",
    ),
    path("apply/", public_views.apply, name="apply"),
    path("apply/done/", public_views.apply_done, name="apply-done"),
    path("apply/receipt/", public_views.receipt, name="receipt"),
    path("notices/<str:token>/", public_views.notice_public, name="notice-public"),
]
