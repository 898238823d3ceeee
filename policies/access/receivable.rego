package avhopp.access

import rego.v1

# METADATA
# title: Categories an agency's services may receive in another agency's events
# description: >-
#   The owner filters before data leaves it (ARCHITECTURE.md): each agency's
#   copy of another agency's event carries only the categories some grant
#   could open to that agency's services, and the consuming gate then decides
#   those by consent. A service is the agency, never a named person, so only
#   cells that open to a whole agency count: "own_or_consent" and "consent"
#   (a consent names an agency), "decided" (a disclosure decision names a
#   provider organisation). Never "team": those categories are read by named
#   team members through the API, each read audited and alerted (the new home
#   town never travels in an event); never "own" or "none", which nothing opens
#   to another agency. Input: {"agency": "<agency>"}; undefined for an
#   agency the matrix does not know.
receivable := {category |
	agency := input.agency
	some category, row in data.avhopp.settings.matrix
	row[agency] in event_cells
	not category in never_in_events
} if known_agency

# The new home town never travels in an event, to anyone outside the owning
# agency, whatever a cell says (ACCESS.md, protected_location; a provider's
# "decided" cell is for the API, where every read is audited and alerted).
never_in_events := {"protected_location"}

known_agency if {
	some cells in data.avhopp.settings.matrix
	is_string(cells[input.agency])
}

event_cells := {"own_or_consent", "consent", "decided"}
