from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import core.converters  # noqa: F401  (registers the <id:…> path converter every urls.py uses)
from core import auth as core_auth
from core import views as core_views

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"

admin.site.site_header = "政协委员履职服务平台"
admin.site.site_title = "政协委员履职服务平台"
admin.site.index_title = "机关工作台"

api_v1 = [
    path("", include("members.api.urls")),
    path("", include("workstations.api.urls")),
    path("", include("opinions.api.urls")),
    path("", include("consultations.api.urls")),
    path("", include("proposals.api.urls")),
    path("", include("dashboards.api.urls")),
    path("auth/token/", core_auth.TokenView.as_view(), name="api-token"),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", core_auth.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("core.urls")),
    path("", include("members.urls")),
    path("", include("workstations.urls")),
    path("", include("opinions.urls")),
    path("", include("consultations.urls")),
    path("", include("proposals.urls")),
    path("", include("dashboards.urls")),
]
