package avhopp.access

import rego.v1

import data.avhopp.lib

# METADATA
# title: On the case team
# description: >-
#   The caller is a named member of the case's need-to-know team: agency,
#   organisation and user, never the whole agency.
on_team if {
	some member in input.team
	lib.same_person(member, input.caller)
}

# METADATA
# title: Case team
# description: >-
#   ACCESS.md, "team": only members of the case's named need-to-know team see
#   the cell (protected_location: the police placement unit, the social
#   services caseworkers on the case). It holds for the owner too.
# custom:
#   short_name: team
#   failure_msg: not on the case team
team_grants := {category: {"rule": "team", "basis": null} |
	on_team
	some category, cell in requested_cells
	cell == "team"
}
