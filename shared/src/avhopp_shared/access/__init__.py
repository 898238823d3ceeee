"""Who may see what: categories, consent state, the disclosure gate and the audit trail."""
