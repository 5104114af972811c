"""Zvonar: call-center CRM with an automatic dialer."""
