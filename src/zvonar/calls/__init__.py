"""Call records: every phase's time, the hang-up cause, result, comment and recording."""
