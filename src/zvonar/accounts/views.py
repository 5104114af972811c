"""Login, logout and the landing that sends each role to its page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.forms import LoginForm
from zvonar.campaigns.queries import is_supervisor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class HomeView(LoginRequiredMixin, View):
    """Operators land on their workplace, supervisors and admins on the dashboard."""

    def get(self, request):
        user = request.user
        if is_supervisor(user) and user.may_open(SectionChoices.DASHBOARD):
            return redirect("monitoring:dashboard")
        return redirect("workplace:home")
