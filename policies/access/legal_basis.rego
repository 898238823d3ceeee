package avhopp.access

import rego.v1

import data.avhopp.lib

# METADATA
# title: Legal basis applies to this read
# description: >-
#   A recorded legal basis names the caller as recipient, was recorded by the
#   owner of the records read, and is inside its validity window. Under OSL
#   the authority holding the records applies a secrecy-breaking provision to
#   them (README, "Beyond consent": recorded by the agency that owns those
#   categories), so a basis opens its recorder's records only, never another
#   agency's (policies/README.md, "Recording a legal basis"); one whose
#   recorder is not known (granted_by null or absent) opens nothing. It
#   carries no purpose: the provision it cites (e.g. 10 kap. 18 a § OSL) is
#   the purpose. It then covers the categories it lists, and their parts
#   (requested_by_name).
legal_basis_applies(recorded) if {
	lib.recipient_matches(recorded.recipient, input.caller)
	lib.owns(recorded.granted_by, input.owner)
	lib.within(recorded.valid_from, recorded.valid_to, input.now)
}

applicable_legal_bases := [recorded |
	some recorded in input.legal_bases
	legal_basis_applies(recorded)
]

# METADATA
# title: Legal basis
# description: >-
#   ACCESS.md, "Consent records": without consent, an exchange is possible on a
#   recorded legal basis, e.g. 10 kap. 18 a § OSL (secrecy breaking to prevent
#   serious crime) or 10 kap. 2 § OSL. It stands in for the consent only: it
#   opens consent and team cells, and a decided cell only where the board's
#   disclosure decision for the provider already lists the category
#   (consent_replaceable; ACCESS.md, "decided"), never a "none" cell. The
#   basis is its id (the smallest, with several).
# custom:
#   short_name: legal_basis
legal_basis_grants := {category: {"rule": "legal_basis", "basis": min(ids)} |
	applicable := applicable_legal_bases
	some recorded in applicable
	names := requested_by_name
	replaceable := consent_replaceable
	some name in recorded.categories
	some category in names[name]
	replaceable[category]
	ids := {covering.id |
		some covering in applicable
		name in covering.categories
	}
}
