from django.contrib import admin
from django.urls import include, path

from gtec.organisations.auth import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm  # the admin's login is throttled like the site's

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gtec.api.urls")),
    path("", include("gtec.www.urls")),
]

handler400 = "gtec.www.public.bad_request"
handler403 = "gtec.www.public.permission_denied"
handler404 = "gtec.www.public.page_not_found"
handler500 = "gtec.www.public.server_error"
