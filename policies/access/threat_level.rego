package avhopp.access

import rego.v1

# METADATA
# title: Access follows the threat level
# description: >-
#   At a high threat level (police's current assessment of the person, as
#   the deciding service knows it) the new home town is for the named case
#   team alone: protected_location opens only to a member of the team whose
#   agency's cell is not "none", or by break-glass, whatever else would open
#   it (004 Del 1: access to the file kept to very few; 004 Del 2: a high
#   threat usually means relocation).
narrowed if input.threat_level == "high"

# What else opened it no longer counts.
narrowed_away := [category |
	narrowed
	category := "protected_location"
]

narrowed_grants := object.union(narrowed_glass, narrowed_team)

narrowed_team := {"protected_location": {"rule": "team", "basis": null} |
	narrowed
	on_team
	cells := requested_cells
	cells.protected_location != "none"
}

# Break-glass opens only cells a rule could open, never a "none" one. (The
# grant is found by iterating, not by a lookup that may be undefined: the
# compiled program would keep an undefined value as one.)
narrowed_glass := {category: grant |
	narrowed
	glass := break_glass_grants
	some category, grant in glass
	category == "protected_location"
}

# A cell that would have opened the category some other way says why it did not.
narrowed_reasons := {"protected_location": "narrowed to the case team at high threat" |
	narrowed
	cells := requested_cells
	cell := cells.protected_location
	cell != "none"
	cell != "team"
}
