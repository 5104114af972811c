"""Projects (calling campaigns), leads, call results, retry rules, scripts and questionnaires."""
