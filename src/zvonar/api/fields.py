"""Serializer fields shared by the API."""

from rest_framework import serializers

from zvonar.crm.display import phone_for


class VisiblePhoneField(serializers.Field):
    """A phone number as the requesting user may see it (masked when their numbers are hidden)."""

    def to_representation(self, value):
        return phone_for(self.context["request"].user, value)
