"""Contacts, companies, phones, custom fields, tags, categories and the blacklist."""
