"""The operator's page: status, projects with today's counts, tasks and recent calls."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.accounts.services import current_status, do_set_operator_status
from zvonar.calls.queries import calls_visible_to
from zvonar.calls.stats import call_counters, start_of_today
from zvonar.campaigns.choices import LeadStateChoices
from zvonar.campaigns.queries import projects_visible_to
from zvonar.tasks.queries import tasks_visible_to
from zvonar.workplace.forms import StatusForm

OPEN_LEAD_STATES = [LeadStateChoices.NEW, LeadStateChoices.RETRY, LeadStateChoices.CALLBACK]


class WorkplaceView(SectionRequiredMixin, TemplateView):
    section = SectionChoices.WORKPLACE
    template_name = "workplace/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        my_calls_today = calls_visible_to(user).filter(
            operator=user, created_at__gte=start_of_today()
        )
        projects = list(projects_visible_to(user).order_by("name"))
        for project in projects:
            project.today = call_counters(my_calls_today.filter(project=project))
            project.open_leads = project.leads.filter(state__in=OPEN_LEAD_STATES).count()
        status = current_status(user)
        context.update(
            projects=projects,
            today=call_counters(my_calls_today),
            status=status,
            status_form=StatusForm(initial={"status": status.status if status else "offline"}),
            tasks=tasks_visible_to(user)
            .filter(assignee=user, done_at=None)
            .select_related("contact", "project")[:20],
            recent_calls=calls_visible_to(user)
            .filter(operator=user)
            .select_related("contact", "result", "project")[:10],
        )
        return context

    def post(self, request, *args, **kwargs):
        form = StatusForm(request.POST)
        if form.is_valid():
            do_set_operator_status(
                request.user,
                form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
            )
            messages.success(request, _("Status changed."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("workplace:home")
