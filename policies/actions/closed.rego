package avhopp.actions

import rego.v1

import data.avhopp.lib

# Regorus evaluates a rule or function alike under "with" only when it is
# defined, in load order (files by name, then line), before whatever reads it:
# so these come first, in this file, read by consent.rego and legal_basis.rego.
# They are functions of the recipient and caller, never of the input itself,
# as regorus keeps a rule's value across the inputs of several "with"
# evaluations.

# The cells in which an agency holds a category as its own records.
owned_cells := {"own", "own_or_consent"}

same_authority_or_another_agency(recipient, caller) if recipient.agency != caller.agency

same_authority_or_another_agency(recipient, caller) if lib.recipient_matches(recipient, caller)

owned_elsewhere(category, agency) if {
	some other, cell in data.avhopp.settings.matrix[category]
	other != agency
	cell in owned_cells
}

# METADATA
# title: The recipient holds every record of the category
# description: >-
#   No agency but the recipient's owns the category (its cell is "own" or
#   "own_or_consent"; police alone own the threat picture, while police,
#   probation and SiS each own criminal history), and, of the caller's own
#   agency, the recipient is the caller's own organisation (or the whole
#   agency): another municipality or police region is another authority, whose
#   records are not the caller's.
holds_every_record(category, recipient, caller) if {
	object.get(lib.column(recipient.agency), category, "none") in owned_cells
	not owned_elsewhere(category, recipient.agency)
	same_authority_or_another_agency(recipient, caller)
}

# METADATA
# title: A cell no grant of the caller's opens to the recipient
# description: >-
#   policies/README.md, the cells: a "none" cell (ACCESS.md, baseline matrix:
#   "–") is opened by nothing, and an "own" cell only by ownership, never by a
#   legal basis, break-glass or consent: probation's criminal_history is its
#   own records only, so police's stay closed to it, and another
#   municipality's social services read none of the responsible one's own
#   records this way. Only where the recipient itself holds every record of
#   the category (holds_every_record) does the grant name nothing it does not
#   read anyway, and its "own" cell is not closed. A cell the matrix does not
#   know is "none".
closed_to_recipient(_, cell, _, _) if cell == "none"

closed_to_recipient(category, cell, recipient, caller) if {
	cell == "own"
	not holds_every_record(category, recipient, caller)
}
