package avhopp.access

import rego.v1

import data.avhopp.lib

# METADATA
# title: Consent applies to this read
# description: >-
#   10 kap. 1 § OSL: secrecy can be lifted by the person's consent. A consent
#   applies while it is active and inside its validity window, names the
#   caller as a recipient and lists the purpose (ACCESS.md, "Consent
#   records"). Withdrawal takes effect at once. It then covers the categories
#   it lists, and their parts (requested_by_name).
consent_applies(consent) if {
	consent.status == "active"
	input.purpose in consent.purposes
	lib.within(consent.valid_from, consent.valid_to, input.now)
	some recipient in consent.recipients
	lib.recipient_matches(recipient, input.caller)
}

# Checked once per consent, not once per consent and category.
applicable_consents := [consent |
	some consent in input.consents
	consent_applies(consent)
]

# METADATA
# title: Covering consent
# description: >-
#   For each requested category some applicable consent lists (itself, or
#   the category it is a part of), the smallest such consent id: the same
#   input always records the same basis.
consent_basis := {category: min(ids) |
	applicable := applicable_consents
	names := requested_by_name
	some consent in applicable
	some name in consent.categories
	some category in names[name]
	ids := {covering.id |
		some covering in applicable
		name in covering.categories
	}
}

# METADATA
# title: Consent
# description: >-
#   A "consent" cell is open while a consent covers it (10 kap. 1 § OSL); the
#   basis is the consent's id. So is an "own_or_consent" cell for records
#   another agency owns.
# custom:
#   short_name: consent
#   failure_msg: no consent
consent_grants := {category: {"rule": "consent", "basis": basis} |
	cells := requested_cells
	some category, basis in consent_basis
	cells[category] in {"consent", "own_or_consent"}
}
