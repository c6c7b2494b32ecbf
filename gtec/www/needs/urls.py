"""URLs of the needs area (views in gtec/www/needs/views.py)."""

urlpatterns: list = []
