package avhopp.access

import rego.v1

import data.avhopp.lib

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

# METADATA
# title: Decided cells the board has opened to the caller
# description: >-
#   The requested categories in a "decided" cell that a disclosure decision
#   for the caller's provider organisation lists (decision_basis): what is
#   left for the provider there is the person's consent.
board_decided := {category |
	cells := requested_cells
	some category, _ in decision_basis
	cells[category] == "decided"
}

# METADATA
# title: Categories a legal basis or break-glass grant may open
# description: >-
#   ACCESS.md, "Consent records": a recorded legal basis or break-glass is an
#   exchange without consent; it stands in for the person's consent and for
#   nothing else. ACCESS.md, "decided": readable only when the deciding board
#   has recorded a disclosure decision for this provider, so a "decided" cell
#   opens this way only where such a decision already lists the category
#   (board_decided), never to a provider the board decided nothing for.
#   Consent, own_or_consent and team cells open this way as they are; "none"
#   and "own" cells never (lib.openable_cells).
consent_replaceable := {category |
	cells := requested_cells
	openable := lib.openable_cells
	some category, cell in cells
	openable[cell]
	cell != "decided"
} | board_decided
