"""URLs of the training area (views in gtec/www/training/views.py)."""

urlpatterns: list = []
