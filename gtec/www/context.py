from django.conf import settings


def site(request):
    return {"default_territory": settings.GTEC_DEFAULT_TERRITORY}
