"""URLs of the workplace app."""

from django.urls import path

from zvonar.workplace import views

app_name = "workplace"
urlpatterns = [
    path("", views.WorkplaceView.as_view(), name="home"),
    path("state/", views.StateView.as_view(), name="state"),
    path("status/", views.StatusView.as_view(), name="status"),
    path("dial/", views.ManualDialView.as_view(), name="dial"),
    path("calls/<int:pk>/card/", views.CardView.as_view(), name="card"),
    path("calls/<int:pk>/history/", views.HistoryView.as_view(), name="history"),
    path("calls/<int:pk>/save/", views.SaveCardView.as_view(), name="save"),
    path("calls/<int:pk>/hangup/", views.HangupView.as_view(), name="hangup"),
    path("calls/<int:pk>/questionnaire/", views.QuestionnaireView.as_view(), name="questionnaire"),
    path("preview/next/", views.PreviewNextView.as_view(), name="preview_next"),
    path(
        "preview/<int:pk>/<str:action>/",
        views.PreviewActionView.as_view(),
        name="preview_action",
    ),
    path("notifications/read/", views.NotificationsReadView.as_view(), name="notifications_read"),
]
