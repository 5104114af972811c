"""Serializers of the API."""

from rest_framework import serializers

from zvonar.api.fields import VisiblePhoneField
from zvonar.calls.models import Call
from zvonar.campaigns.models import Project
from zvonar.crm.models import Contact, Phone
from zvonar.tasks.models import Task


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name", "status", "dial_mode", "start_date", "max_abandon_rate"]


class PhoneSerializer(serializers.ModelSerializer):
    number = VisiblePhoneField()
    region = serializers.CharField(read_only=True)

    class Meta:
        model = Phone
        fields = ["id", "number", "kind", "region", "time_zone", "is_primary"]


class ContactSerializer(serializers.ModelSerializer):
    phones = PhoneSerializer(many=True, read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "kind",
            "name",
            "last_name",
            "first_name",
            "middle_name",
            "company_name",
            "address",
            "city",
            "category",
            "responsible",
            "phones",
            "custom_fields",
        ]


class CallSerializer(serializers.ModelSerializer):
    number = VisiblePhoneField()

    class Meta:
        model = Call
        fields = [
            "id",
            "direction",
            "state",
            "number",
            "project",
            "lead",
            "contact",
            "operator",
            "created_at",
            "answered_at",
            "connected_at",
            "ended_at",
            "hangup_cause",
            "result",
            "comment",
        ]


class TaskSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "kind",
            "title",
            "due_at",
            "is_auto_callback",
            "assignee",
            "contact",
            "project",
            "state",
            "done_at",
        ]
