"""The operator's workplace: the live page, its state, the card and the operator's actions."""

import json
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from zvonar.accounts.choices import MANUAL_STATUSES, OperatorStatusChoices, SectionChoices
from zvonar.accounts.mixins import SectionRequiredMixin
from zvonar.accounts.models import PauseReason
from zvonar.accounts.services import current_status, do_set_operator_status
from zvonar.calls.queries import access_call, calls_visible_to
from zvonar.calls.services import (
    CallbackRequest,
    do_request_hangup,
    do_request_manual_call,
    do_save_call_result,
)
from zvonar.calls.stats import (
    call_counters,
    call_counters_by,
    empty_counters,
    start_of_today,
)
from zvonar.campaigns.choices import LeadStateChoices, QuestionnaireStatusChoices
from zvonar.campaigns.models import QuestionnaireResponse
from zvonar.campaigns.queries import access_project, leads_visible_to, projects_visible_to
from zvonar.crm.display import phone_for
from zvonar.crm.queries import is_blacklisted
from zvonar.tasks.queries import notifications_of, tasks_visible_to
from zvonar.workplace.services import (
    do_call_preview_lead,
    do_reserve_preview_lead,
    do_skip_preview_lead,
)
from zvonar.workplace.state import workplace_state

OPEN_LEAD_STATES = [LeadStateChoices.NEW, LeadStateChoices.RETRY, LeadStateChoices.CALLBACK]


def error_response(error: ValidationError | str, status: int = 400) -> JsonResponse:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    return JsonResponse({"ok": False, "errors": messages}, status=status)


class WorkplaceMixin(SectionRequiredMixin):
    section = SectionChoices.WORKPLACE


class WorkplaceView(WorkplaceMixin, TemplateView):
    template_name = "workplace/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        my_calls_today = calls_visible_to(user).filter(
            operator=user, created_at__gte=start_of_today()
        )
        projects = list(
            projects_visible_to(user)
            .annotate(
                open_leads=Count(
                    "leads", filter=Q(leads__state__in=OPEN_LEAD_STATES), distinct=True
                )
            )
            .order_by("name")
        )
        by_project = call_counters_by(my_calls_today, "project")
        for project in projects:
            project.today = by_project.get(project.pk, empty_counters())
        context.update(
            section="workplace",
            projects=projects,
            today=call_counters(my_calls_today),
            status=current_status(user),
            manual_statuses=[c for c in OperatorStatusChoices if c in MANUAL_STATUSES],
            pause_reasons=PauseReason.objects.filter(is_active=True),
            tasks=tasks_visible_to(user)
            .filter(assignee=user, done_at=None)
            .select_related("contact", "project")[:20],
            state_json=workplace_state(user),
        )
        return context


class StateView(WorkplaceMixin, View):
    def get(self, request):
        return JsonResponse(workplace_state(request.user))


class StatusView(WorkplaceMixin, View):
    """Set a manual status; Available needs the project the operator works in."""

    def post(self, request):
        status = request.POST.get("status", "")
        if status not in {c.value for c in MANUAL_STATUSES}:
            return error_response(_("Choose a status from the list."))
        current = current_status(request.user)
        if current and current.status not in MANUAL_STATUSES | {OperatorStatusChoices.DISCONNECTED}:
            return error_response(_("Finish the call and save the card first."), 409)
        project = None
        if request.POST.get("project"):
            project = access_project(request.user, request.POST["project"])
        elif current and current.project_id:
            project = current.project
        if status == OperatorStatusChoices.AVAILABLE and project is None:
            return error_response(_("Choose the project you work in."))
        reason = None
        if status == OperatorStatusChoices.PAUSED:
            reasons = PauseReason.objects.filter(is_active=True)
            if reasons.exists():
                reason = reasons.filter(pk=request.POST.get("reason") or 0).first()
                if reason is None:
                    return error_response(_("Choose the reason of the pause."))
        do_set_operator_status(
            request.user, status, reason=reason, project=project, acting_user=request.user
        )
        return JsonResponse({"ok": True, "state": workplace_state(request.user)})


class ManualDialView(WorkplaceMixin, View):
    def post(self, request):
        current = current_status(request.user)
        if current is None or current.status not in (
            OperatorStatusChoices.AVAILABLE,
            OperatorStatusChoices.PAUSED,
            OperatorStatusChoices.DO_NOT_DISTURB,
        ):
            return error_response(_("Set a status first; manual calls are made between calls."))
        project_id = request.POST.get("project") or current.project_id
        if not project_id:
            return error_response(_("Choose the project you work in."))
        project = access_project(request.user, project_id)
        try:
            call = do_request_manual_call(
                request.POST.get("number", ""), project, acting_user=request.user
            )
        except ValidationError as error:
            return error_response(error)
        return JsonResponse({"ok": True, "call_id": call.pk})


def _local_time(phone):
    if phone is None or not phone.time_zone:
        return None
    return timezone.now().astimezone(ZoneInfo(phone.time_zone))


# What the card reads of a call, fetched with it in one query.
CARD_RELATED = (
    "lead__phone",
    "contact",
    "project__card_template",
    "project__script",
    "project__questionnaire",
)


def _card_context(request, call=None, lead=None):
    user = request.user
    lead = lead or (call.lead if call else None)
    contact = call.contact if call and call.contact else (lead.contact if lead else None)
    project = call.project if call else lead.project
    phone = lead.phone if lead and lead.phone else None
    number = call.number if call else (phone.number if phone else "")
    template_fields = list(project.card_template.fields.all()) if project.card_template else []
    values = contact.custom_fields if contact else {}
    fields = [
        {
            "field": field,
            "value": values.get(field.code, ""),
            "editable": field.editable_by_operator and user.may_edit_card,
        }
        for field in template_fields
    ]
    script = project.script
    steps = []
    if script is not None:
        for step in script.steps.prefetch_related("answers"):
            steps.append(
                {
                    "id": step.pk,
                    "title": step.title,
                    "text": step.text,
                    "answers": [
                        {
                            "id": a.pk,
                            "text": a.text,
                            "next": a.next_step_id,
                            "result": a.suggested_result_name,
                        }
                        for a in step.answers.all()
                    ],
                }
            )
    questionnaire = project.questionnaire
    response = None
    if questionnaire and lead:
        response = QuestionnaireResponse.objects.filter(
            questionnaire=questionnaire, lead=lead
        ).first()
    history = calls_visible_to(user).filter(contact=contact) if contact else None
    return {
        "call": call,
        "lead": lead,
        "contact": contact,
        "project": project,
        "number_display": phone_for(user, number),
        "region": phone.region if phone else "",
        "time_zone": phone.time_zone if phone else "",
        "local_time": _local_time(phone),
        "blacklisted": bool(number) and is_blacklisted(number, project),
        "fields": fields,
        "results": project.results.filter(is_active=True),
        "quick_comments": project.quick_comments,
        "script_steps": steps,
        "has_script": bool(steps),
        "questionnaire": questionnaire,
        "questions": list(questionnaire.questions.all()) if questionnaire else [],
        "questionnaire_response": response,
        "questionnaire_statuses": QuestionnaireStatusChoices.choices,
        "history": history.select_related("operator", "result")[:30] if history else [],
        "tasks": tasks_visible_to(user).filter(contact=contact).select_related("assignee")
        if contact
        else [],
        "tags": contact.tags.all() if contact else [],
        "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


class CardView(WorkplaceMixin, View):
    def get(self, request, pk):
        call = access_call(request.user, pk, *CARD_RELATED)
        return render(request, "workplace/card.html", _card_context(request, call=call))


class HistoryView(WorkplaceMixin, View):
    """This client's calls, or all calls of the number by all operators the user may see."""

    def get(self, request, pk):
        call = access_call(request.user, pk)
        calls = calls_visible_to(request.user)
        if request.GET.get("all"):
            calls = calls.filter(number=call.number)
        else:
            calls = calls.filter(contact=call.contact) if call.contact else calls.none()
        return render(
            request,
            "workplace/history.html",
            {"history": calls.select_related("operator", "result")[:50]},
        )


class SaveCardView(WorkplaceMixin, View):
    def post(self, request, pk):
        call = access_call(request.user, pk)
        if call.operator_id != request.user.pk:
            return error_response(_("This is not your call."), 403)
        post = request.POST
        result = call.project.results.filter(pk=post.get("result") or 0).first()
        fields = {}
        for key in post:
            if key.startswith("field_"):
                values = post.getlist(key)
                fields[key.removeprefix("field_")] = values if len(values) > 1 else values[0]
        for key in post.getlist("multi_fields"):
            fields.setdefault(key, [])
        callback = None
        if post.get("callback_at"):
            due = parse_datetime(post["callback_at"])
            if due is None:
                return error_response(_("The callback time is not a date and time."))
            if timezone.is_naive(due):
                due = timezone.make_aware(due)
            callback = CallbackRequest(
                due_at=due,
                automatic=post.get("callback_kind", "auto") == "auto",
                title=post.get("callback_title", ""),
            )
        try:
            script_path = json.loads(post.get("script_path") or "[]")
        except ValueError:
            return HttpResponseBadRequest()
        try:
            do_save_call_result(
                call,
                result=result,
                comment=post.get("comment", ""),
                fields=fields,
                script_path=script_path,
                callback=callback,
                acting_user=request.user,
            )
        except ValidationError as error:
            return error_response(error)
        # What changes next (status, the next card) reaches the page as events.
        return JsonResponse({"ok": True})


class HangupView(WorkplaceMixin, View):
    def post(self, request, pk):
        call = access_call(request.user, pk)
        if call.operator_id != request.user.pk:
            return error_response(_("This is not your call."), 403)
        do_request_hangup(call, acting_user=request.user)
        return JsonResponse({"ok": True})


class QuestionnaireView(WorkplaceMixin, View):
    """Fill the questionnaire as Completed, Postponed or Refused; refill or edit later."""

    def post(self, request, pk):
        call = access_call(request.user, pk)
        questionnaire = call.project.questionnaire if call.project else None
        if questionnaire is None or call.lead is None:
            return error_response(_("This project has no questionnaire."))
        status = request.POST.get("status")
        if status not in QuestionnaireStatusChoices.values:
            return error_response(_("Choose how the questionnaire ended."))
        answers = {}
        for question in questionnaire.questions.all():
            value = request.POST.getlist(f"question_{question.pk}")
            value = [v for v in value if v != ""]
            if status == QuestionnaireStatusChoices.COMPLETED and question.required and not value:
                return error_response(_("Answer “%(question)s”.") % {"question": question.text})
            answers[str(question.pk)] = value if len(value) != 1 else value[0]
        QuestionnaireResponse.objects.update_or_create(
            questionnaire=questionnaire,
            lead=call.lead,
            defaults={
                "status": status,
                "answers": answers,
                "call": call,
                "filled_by": request.user,
            },
        )
        return JsonResponse({"ok": True})


class PreviewNextView(WorkplaceMixin, View):
    def post(self, request):
        project = access_project(request.user, request.POST.get("project") or 0)
        try:
            lead = do_reserve_preview_lead(project, acting_user=request.user)
        except ValidationError as error:
            return error_response(error)
        if lead is None:
            return error_response(_("No numbers to call right now."), 404)
        return render(request, "workplace/card.html", _card_context(request, lead=lead))


class PreviewActionView(WorkplaceMixin, View):
    def post(self, request, pk, action):
        if action not in ("call", "skip"):
            return error_response(_("Unknown action."), 404)
        lead = get_object_or_404(leads_visible_to(request.user), pk=pk)
        try:
            if action == "call":
                call = do_call_preview_lead(lead, acting_user=request.user)
                return JsonResponse({"ok": True, "call_id": call.pk})
            do_skip_preview_lead(lead, request.POST.get("reason", ""), acting_user=request.user)
        except ValidationError as error:
            return error_response(error)
        return JsonResponse({"ok": True})


class NotificationsReadView(WorkplaceMixin, View):
    def post(self, request):
        notifications_of(request.user).filter(read_at=None).update(read_at=timezone.now())
        return JsonResponse({"ok": True})
