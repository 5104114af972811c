"""Telephony backends behind one async protocol: originate, connect, hang up, play, record."""
