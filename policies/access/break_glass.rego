package avhopp.access

import rego.v1

import data.avhopp.lib

# METADATA
# title: Break-glass grant applies to this read
# description: >-
#   A grant names one person (agency, organisation, user) and is time-limited:
#   from valid_from until expires_at, which must be set. It then covers the
#   categories it lists, and their parts (requested_by_name).
break_glass_applies(grant) if {
	lib.same_person(grant, input.caller)
	is_number(grant.expires_at)
	lib.within(grant.valid_from, grant.expires_at, input.now)
}

applicable_break_glass := [grant |
	some grant in input.break_glass
	break_glass_applies(grant)
]

# METADATA
# title: Break-glass
# description: >-
#   ACCESS.md, "Consent records": in acute danger, break-glass opens a consent
#   or team cell for the named user until it expires (justified, audited, the
#   owner notified; that happens outside the decision). Like a legal basis it
#   stands in for the consent only: a decided cell opens only where the
#   board's disclosure decision for the provider already lists the category
#   (consent_replaceable; ACCESS.md, "decided"). It never opens a "none" cell.
#   The basis is the grant's id (the smallest, with several).
# custom:
#   short_name: break_glass
break_glass_grants := {category: {"rule": "break_glass", "basis": min(ids)} |
	applicable := applicable_break_glass
	some grant in applicable
	names := requested_by_name
	replaceable := consent_replaceable
	some name in grant.categories
	some category in names[name]
	replaceable[category]
	ids := {covering.id |
		some covering in applicable
		name in covering.categories
	}
}
