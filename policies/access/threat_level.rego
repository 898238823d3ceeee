package avhopp.access

import rego.v1

# METADATA
# title: Access follows the threat level
# description: >-
#   At a high threat level (police's current assessment of the person, as
#   the deciding service knows it) the new home town is for the named case
#   team alone: protected_location opens only to a member of the team, or by
#   break-glass, whatever else would open it (004 Del 1: access to the file
#   kept to very few; 004 Del 2: a high threat usually means relocation). A
#   high threat only ever narrows: a member is opened only where his own cell
#   would open it at a normal level too (a provider needs the board's
#   disclosure decision and the person's consent, as ever), so being named to
#   the team never stands in for a step the caller lacks.
narrowed if input.threat_level == "high"

# What else opened it no longer counts.
narrowed_away := [category |
	narrowed
	category := "protected_location"
]

narrowed_grants := object.union(narrowed_glass, narrowed_team)

# METADATA
# title: What the caller's own cell opens
# description: >-
#   The grants of the caller's cell rule (consent, decided, team) and of his
#   ownership, without a legal basis or break-glass: what would open a
#   category to him at a normal threat level by his own cell's rule.
cell_grants := object.union_n([consent_grants, decided_grants, team_grants, own_grants])

# A member on the team whose own cell also opens it; the basis stays that of
# the cell's rule (a provider's disclosure decision; null for a team cell or
# the owner), so the audit trail still names it. (The grant is found by
# iterating, not by a lookup that may be undefined: the compiled program
# would keep an undefined value as one.)
narrowed_team := {category: {"rule": "team", "basis": grant.basis} |
	narrowed
	on_team
	opened_by_cell := cell_grants
	some category, grant in opened_by_cell
	category == "protected_location"
}

# Break-glass opens only cells a rule could open, never a "none" one.
narrowed_glass := {category: grant |
	narrowed
	glass := break_glass_grants
	some category, grant in glass
	category == "protected_location"
}

# A caller off the team whose cell would have opened the category some other
# way is told the team is the gap. A member is told the gap of his own cell
# (for a provider: no disclosure decision, or no consent).
narrowed_reasons := {"protected_location": "narrowed to the case team at high threat" |
	narrowed
	not on_team
	cells := requested_cells
	cell := cells.protected_location
	cell != "none"
	cell != "team"
}
