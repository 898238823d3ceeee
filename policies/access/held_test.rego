package avhopp.access_test.held

import rego.v1

# The rule is named by its full path: regorus applies "with" to a rule reached
# through an import alias without re-evaluating it.

test_police_hold_their_records_and_the_placement_units_new_home_town if {
	held := data.avhopp.access.held with input as {"agency": "police"}
	held == {"threat", "placement", "protective_measures", "criminal_history", "protected_location"}
}

test_social_services_hold_what_they_own_but_not_what_police_own if {
	held := data.avhopp.access.held with input as {"agency": "social"}
	"case_ref" in held
	"health" in held
	"protected_location" in held
	"followup_detail" in held
	not "threat" in held
	not "criminal_history" in held
}

test_a_consent_or_decided_cell_is_not_held if {
	data.avhopp.settings.matrix.identity.police == "consent"
	data.avhopp.settings.matrix.health.provider == "decided"
	not "identity" in data.avhopp.access.held with input as {"agency": "police"}
	not "health" in data.avhopp.access.held with input as {"agency": "provider"}
}

test_an_unknown_agency_holds_nothing_at_all if {
	not data.avhopp.access.held with input as {"agency": "nobody"}
}
