"""URLs of the careers area (views in gtec/www/careers/views.py)."""

urlpatterns: list = []
