"""Login, logout and the landing that sends each role to its page."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views import View

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.forms import LoginForm
from zvonar.accounts.services import do_log_out
from zvonar.campaigns.queries import is_supervisor


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            do_log_out(request.user, request.session.session_key)
        return super().post(request, *args, **kwargs)


class HomeView(LoginRequiredMixin, View):
    """Operators land on their workplace, supervisors and admins on the dashboard."""

    def get(self, request):
        user = request.user
        if is_supervisor(user) and user.may_open(SectionChoices.DASHBOARD):
            return redirect("monitoring:dashboard")
        return redirect("workplace:home")
