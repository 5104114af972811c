"""Forms of the accounts app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from zvonar.accounts.choices import SectionChoices
from zvonar.accounts.models import User


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Login or e-mail"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )


class UserAccessForm(forms.ModelForm):
    """The admin's form for a user: sections are chosen from a fixed list, not typed as JSON."""

    allowed_sections = forms.MultipleChoiceField(
        label=_("sections allowed"),
        choices=SectionChoices.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nothing ticked: every section of the user's role."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "last_name",
            "first_name",
            "middle_name",
            "email",
            "language",
            "is_active",
            "is_staff",
            "is_superuser",
            "allowed_sections",
            "visible_categories",
            "may_edit_card",
            "phones_hidden",
        ]
