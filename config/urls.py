from django.contrib import admin
from django.urls import include, path

from gtec.organisations.auth import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm  # the admin's login is throttled like the site's

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gtec.www.urls")),
]
