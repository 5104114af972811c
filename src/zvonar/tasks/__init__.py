"""Tasks, automatic callbacks, reminders and notifications."""
