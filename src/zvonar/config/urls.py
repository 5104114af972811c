"""The site's URL map."""

from django.contrib import admin
from django.urls import include, path

from zvonar.accounts.views import HomeView

admin.site.site_header = "Zvonar"
admin.site.site_title = "Zvonar"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/", include("zvonar.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("workplace/", include("zvonar.workplace.urls")),
    path("monitoring/", include("zvonar.monitoring.urls")),
    path("crm/", include("zvonar.crm.urls")),
    path("calls/", include("zvonar.calls.urls")),
    path("api/", include("zvonar.api.urls")),
    path("admin/", admin.site.urls),
]
