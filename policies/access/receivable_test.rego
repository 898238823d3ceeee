package avhopp.access_test.receivable

import rego.v1

# The rule is named by its full path: regorus applies "with" to a rule reached
# through an import alias without re-evaluating it.

# What an agency's services may get in another agency's events: only what a
# consent or a disclosure decision can open to the agency as a whole.
test_police_receive_what_a_consent_can_open_them if {
	received := data.avhopp.access.receivable with input as {"agency": "police"}
	received == {"case_ref", "identity", "decision_summary", "followup"}
}

test_social_services_receive_police_records_a_consent_can_open if {
	received := data.avhopp.access.receivable with input as {"agency": "social"}
	received == {
		"case_ref", "threat", "placement", "protective_measures",
		"criminal_history", "followup", "followup_detail",
	}
}

test_the_new_home_town_is_never_in_an_event_not_even_where_a_decision_could_open_it if {
	data.avhopp.settings.matrix.protected_location.provider == "decided"
	not "protected_location" in data.avhopp.access.receivable with input as {"agency": "provider"}
	not "protected_location" in data.avhopp.access.receivable with input as {"agency": "police"}
}

test_a_team_cell_opens_nothing_in_an_event if {
	data.avhopp.settings.matrix.protected_location.police == "team"
	not "protected_location" in data.avhopp.access.receivable with input as {"agency": "police"}
}

test_an_own_or_none_cell_is_never_received if {
	data.avhopp.settings.matrix.application.police == "none"
	data.avhopp.settings.matrix.health.social == "own"
	not "application" in data.avhopp.access.receivable with input as {"agency": "police"}
	not "investigation" in data.avhopp.access.receivable with input as {"agency": "police"}
	not "contact" in data.avhopp.access.receivable with input as {"agency": "police"}
}

test_an_unknown_agency_receives_nothing_at_all if {
	not data.avhopp.access.receivable with input as {"agency": "nobody"}
}

test_an_agency_that_is_not_a_string_receives_nothing_at_all if {
	not data.avhopp.access.receivable with input as {"agency": ["police"]}
}
