package avhopp.access

import rego.v1

# METADATA
# title: Recorded disclosure decision
# description: >-
#   For each requested category, the smallest id of the disclosure decisions
#   the deciding board recorded for the caller's provider organisation that
#   list it. Only a provider can be named by one.
decision_basis[category] := min(ids) if {
	input.caller.agency == "provider"
	is_string(input.caller.organisation)
	some category, _ in requested_cells
	ids := {recorded.id |
		some recorded in input.disclosure_decisions
		recorded.provider_organisation == input.caller.organisation
		category in recorded.categories
	}
	count(ids) > 0
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
decided_grants[category] := {"rule": "decided", "basis": basis} if {
	some category, cell in requested_cells
	cell == "decided"
	basis := decision_basis[category]
	consent_basis[category]
}
