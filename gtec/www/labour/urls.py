"""URLs of the labour area (views in gtec/www/labour/views.py)."""

urlpatterns: list = []
