"""Admin of projects and what configures them."""

from django.contrib import admin

from zvonar.campaigns.models import (
    CallResult,
    KpiNorm,
    Lead,
    MessageTemplate,
    Project,
    ProjectMembership,
    Question,
    Questionnaire,
    QuestionnaireResponse,
    ResultFollowUp,
    RetryRule,
    Script,
    ScriptAnswer,
    ScriptStep,
)


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 1
    autocomplete_fields = ["user"]


class CallResultInline(admin.TabularInline):
    model = CallResult
    extra = 1


class RetryRuleInline(admin.TabularInline):
    model = RetryRule
    extra = 0


class MessageTemplateInline(admin.StackedInline):
    model = MessageTemplate
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "dial_mode", "start_date", "card_template", "script"]
    list_filter = ["status", "dial_mode"]
    search_fields = ["name"]
    inlines = [MembershipInline, CallResultInline, RetryRuleInline, MessageTemplateInline]


@admin.register(CallResult)
class CallResultAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "result_class", "is_final", "order"]
    list_filter = ["project", "result_class", "is_final"]


@admin.register(ResultFollowUp)
class ResultFollowUpAdmin(admin.ModelAdmin):
    list_display = ["title", "result", "offset_days", "offset_minutes"]
    filter_horizontal = ["recipients"]


class ScriptAnswerInline(admin.TabularInline):
    model = ScriptAnswer
    fk_name = "step"
    extra = 1


@admin.register(ScriptStep)
class ScriptStepAdmin(admin.ModelAdmin):
    list_display = ["title", "script", "order"]
    list_filter = ["script"]
    inlines = [ScriptAnswerInline]


class ScriptStepInline(admin.StackedInline):
    model = ScriptStep
    extra = 0
    show_change_link = True


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [ScriptStepInline]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 1


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name"]
    inlines = [QuestionInline]


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "lead", "status", "filled_by", "updated_at"]
    list_filter = ["questionnaire", "status"]
    raw_id_fields = ["lead", "call"]


@admin.register(KpiNorm)
class KpiNormAdmin(admin.ModelAdmin):
    list_display = ["metric", "target", "period", "project", "user"]
    list_filter = ["project", "metric"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["contact", "project", "state", "attempts", "next_attempt_at", "priority"]
    list_filter = ["project", "state"]
    search_fields = ["contact__last_name", "contact__company_name", "phone__number"]
    raw_id_fields = ["contact", "phone"]
    autocomplete_fields = ["assigned_operator"]
