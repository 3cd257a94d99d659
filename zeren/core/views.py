from django.conf import settings
from django.shortcuts import redirect, render


def home(request):
    """The public front page; a signed-in user lands on their workbench (settings.LOGIN_REDIRECT_URL)."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "core/home.html")
