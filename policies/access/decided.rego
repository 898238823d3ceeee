package avhopp.access

import rego.v1

# METADATA
# title: Recorded disclosure decision
# description: >-
#   For each requested category, the smallest id of the disclosure decisions
#   the deciding board recorded for the caller's provider organisation that
#   list it, or the category it is a part of (requested_by_name). Only a
#   provider can be named by one.
decision_basis := {category: min(ids) |
	input.caller.agency == "provider"
	organisation := input.caller.organisation
	is_string(organisation)
	names := requested_by_name
	recorded := [entry |
		some entry in input.disclosure_decisions
		entry.provider_organisation == organisation
	]
	some entry in recorded
	some name in entry.categories
	some category in names[name]
	ids := {covering.id |
		some covering in recorded
		name in covering.categories
	}
}

# METADATA
# title: Disclosure decision
# description: >-
#   ACCESS.md, "decided": readable only when the deciding board has recorded a
#   disclosure decision for this provider and category, and a consent covers
#   it too (10 kap. 1 § OSL); the decision alone lifts no secrecy. The basis
#   is the decision's id.
# custom:
#   short_name: decided
#   failure_msg: no disclosure decision
decided_grants := {category: {"rule": "decided", "basis": basis} |
	cells := requested_cells
	consented := consent_basis
	some category, basis in decision_basis
	cells[category] == "decided"
	consented[category]
}
