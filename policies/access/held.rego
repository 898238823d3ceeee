package avhopp.access

import rego.v1

# METADATA
# title: Categories an agency's services hold and hand out to others
# description: >-
#   The categories whose records an agency keeps itself: its "own" and
#   "own_or_consent" cells, and its "team" cells (the new home town a police
#   placement unit or a social services team holds). Only for these does an
#   agency's service ever decide a disclosure to someone else, so only grants
#   over these are its business: another agency's copy of a consent, legal
#   basis, break-glass grant or disclosure decision that opens none of them to
#   anyone is not sent to it (access/copy_rules.py). Police thus never learn
#   from the access state which provider treats the person (ACCESS.md:
#   "interventions" is closed to police) unless the provider was given
#   police's own records. Input: {"agency": "<agency>"}; undefined for an
#   agency the matrix does not know.
held := {category |
	agency := input.agency
	some category, row in data.avhopp.settings.matrix
	row[agency] in holding_cells
} if known_agency

holding_cells := {"own", "own_or_consent", "team"}
