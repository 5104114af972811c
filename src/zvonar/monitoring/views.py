"""The dashboard of supervisors and admins: their projects and their operators now."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from zvonar.accounts.choices import OperatorStatusChoices, SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.accounts.models import User
from zvonar.accounts.queries import current_statuses, operators_supervised_by
from zvonar.calls.choices import OPEN_CALL_STATES
from zvonar.calls.queries import calls_visible_to
from zvonar.calls.stats import (
    call_counters,
    call_counters_by,
    empty_counters,
    start_of_today,
)
from zvonar.campaigns.choices import LeadStateChoices, MembershipRoleChoices
from zvonar.campaigns.queries import is_supervisor, projects_supervised_by
from zvonar.campaigns.services import ALLOWED, do_change_project_status
from zvonar.crm.display import phone_for


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
        by_project = call_counters_by(calls_today, "project")
        for project in projects:
            project.today = by_project.get(project.pk, empty_counters())
            project.progress = (
                round(100 * project.leads_done / project.leads_total) if project.leads_total else 0
            )
        operators = list(operators_supervised_by(user).order_by("last_name", "username"))
        statuses = current_statuses(operators)
        by_operator = call_counters_by(calls_today, "operator")
        for operator in operators:
            operator.current = statuses.get(operator.pk)
            operator.today = by_operator.get(operator.pk, empty_counters())
        context.update(projects=projects, operators=operators, today=call_counters(calls_today))
        return context


def wallboard_state(user, project) -> dict:
    """The project's operators now and today's counters, as the wallboard shows them."""
    operators = list(
        User.objects.filter(
            memberships__project=project, memberships__role=MembershipRoleChoices.OPERATOR
        ).order_by("last_name", "username")
    )
    statuses = current_statuses(operators)
    live = {
        call.operator_id: call
        for call in calls_visible_to(user)
        .filter(project=project, state__in=OPEN_CALL_STATES, operator__isnull=False)
        .select_related("contact")
    }
    counters = call_counters(
        calls_visible_to(user).filter(project=project, created_at__gte=start_of_today())
    )
    rows = []
    for operator in operators:
        status = statuses.get(operator.pk)
        call = live.get(operator.pk)
        code = status.status if status else OperatorStatusChoices.OFFLINE
        rows.append(
            {
                "id": operator.pk,
                "name": str(operator),
                "status": code,
                "status_display": str(OperatorStatusChoices(code).label),
                "reason": status.reason.name if status and status.reason else "",
                "since": status.started_at.isoformat() if status else None,
                "in_this_project": bool(status and status.project_id == project.pk),
                "call": {
                    "id": call.pk,
                    "number": phone_for(user, call.number),
                    "contact": str(call.contact) if call.contact else "",
                    "state": str(call.get_state_display()),
                }
                if call
                else None,
            }
        )
    return {
        "project": {
            "id": project.pk,
            "name": project.name,
            "status": project.status,
            "status_display": str(project.get_status_display()),
            "mode": str(project.get_dial_mode_display()),
        },
        "operators": rows,
        "counters": {
            "dials": counters["dials"],
            "answered": counters["answered"],
            "abandoned": counters["abandoned"],
            "abandon_rate": round(counters["abandon_rate"], 1),
            "talk_minutes": counters["talk_seconds"] // 60,
        },
        "server_time": timezone.now().isoformat(),
    }


class SupervisorMixin(SectionRequiredMixin):
    section = SectionChoices.DASHBOARD

    def get_project(self):
        return get_object_or_404(projects_supervised_by(self.request.user), pk=self.kwargs["pk"])


class WallboardView(SupervisorMixin, TemplateView):
    template_name = "monitoring/wallboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.get_project()
        context.update(
            section="dashboard",
            project=project,
            state_json=wallboard_state(self.request.user, project),
        )
        return context


class WallboardStateView(SupervisorMixin, View):
    def get(self, request, pk):
        return JsonResponse(wallboard_state(request.user, self.get_project()))


class ProjectControlView(SupervisorMixin, View):
    """Start, pause or stop the project's dialing."""

    def post(self, request, pk):
        action = request.POST.get("action")
        if action not in ALLOWED:
            return JsonResponse({"ok": False, "errors": [_("Unknown action.")]}, status=400)
        try:
            project = do_change_project_status(self.get_project(), action, acting_user=request.user)
        except ValidationError as error:
            return JsonResponse({"ok": False, "errors": error.messages}, status=400)
        return JsonResponse({"ok": True, "state": wallboard_state(request.user, project)})
