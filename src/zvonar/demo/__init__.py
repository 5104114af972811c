"""Demo data: users, projects, a card template, a script and 500 contacts."""
