from django.urls import path

from fupin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("assignment/", views.assignment_switch, name="assignment-switch"),
    path("focus/", views.scope_focus, name="scope-focus"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:user_id>/", views.user_detail, name="user-detail"),
]
