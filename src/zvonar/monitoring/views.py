"""The dashboard of supervisors and admins: their projects and their operators now."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.views.generic import TemplateView

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.accounts.queries import current_statuses, operators_supervised_by
from zvonar.calls.queries import calls_visible_to
from zvonar.calls.stats import call_counters, start_of_today
from zvonar.campaigns.choices import LeadStateChoices
from zvonar.campaigns.queries import is_supervisor, projects_supervised_by


class DashboardView(SectionRequiredMixin, TemplateView):
    section = SectionChoices.DASHBOARD
    template_name = "monitoring/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_supervisor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        calls_today = calls_visible_to(user).filter(created_at__gte=start_of_today())
        projects = list(
            projects_supervised_by(user)
            .annotate(
                leads_total=Count("leads", distinct=True),
                leads_done=Count(
                    "leads",
                    filter=Q(leads__state__in=[LeadStateChoices.DONE, LeadStateChoices.EXHAUSTED]),
                    distinct=True,
                ),
                operator_count=Count(
                    "memberships", filter=Q(memberships__role="operator"), distinct=True
                ),
            )
            .order_by("name")
        )
        for project in projects:
            project.today = call_counters(calls_today.filter(project=project))
            project.progress = (
                round(100 * project.leads_done / project.leads_total) if project.leads_total else 0
            )
        operators = list(operators_supervised_by(user).order_by("last_name", "username"))
        statuses = current_statuses(operators)
        for operator in operators:
            operator.current = statuses.get(operator.pk)
            operator.today = call_counters(calls_today.filter(operator=operator))
        context.update(projects=projects, operators=operators, today=call_counters(calls_today))
        return context
