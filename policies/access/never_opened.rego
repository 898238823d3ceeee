package avhopp.access

import rego.v1

# METADATA
# title: Categories nothing ever opens to an agency
# description: >-
#   The agency's "none" cells (ACCESS.md, baseline matrix: "–"): no consent,
#   disclosure decision, legal basis or break-glass opens them (README, the
#   cells). A grant naming one for the agency opens nothing there, so intake
#   refuses a break-glass request naming one for the requester's agency
#   rather than grant it, alert the owner and audit it as opening what it
#   cannot; and a disclosure decision counts, for who else hears of it, only
#   by what it can open to a provider (access/copy_rules.py). A part whose
#   cell is "none" is listed too. Input: {"agency": "<agency>"}; undefined for
#   an agency the matrix does not know.
never_opened := {category |
	agency := input.agency
	some category, row in data.avhopp.settings.matrix
	object.get(row, agency, "none") == "none"
} if known_agency
