package avhopp.actions_test.closed

import rego.v1

import data.avhopp.actions

malmo := {"agency": "social", "organisation": "malmo"}

police := {"agency": "police", "organisation": null}

probation := {"agency": "probation", "organisation": null}

test_nothing_opens_a_none_cell_to_anyone if {
	actions.closed_to_recipient("health", "none", police, malmo)
	actions.closed_to_recipient("shoe_size", "none", malmo, malmo)
}

test_an_own_cell_is_closed_to_a_recipient_holding_only_some_of_the_records if {
	# Police, probation and SiS each own criminal history: probation holds its own only.
	actions.closed_to_recipient("criminal_history", "own", probation, malmo)
	actions.closed_to_recipient("criminal_history", "own", police, malmo)
	# Social services own the interventions, and so does each provider its own.
	actions.closed_to_recipient("interventions", "own", {"agency": "provider", "organisation": "skyddat-boende-ab"}, malmo)
}

test_an_own_cell_of_another_authority_of_the_callers_agency_is_closed if {
	actions.closed_to_recipient("identity", "own", {"agency": "social", "organisation": "lund"}, malmo)
	syd := {"agency": "police", "organisation": "polisen-syd"}
	actions.closed_to_recipient("threat", "own", {"agency": "police", "organisation": "polisen-nord"}, syd)
}

test_an_own_cell_is_open_to_a_recipient_holding_every_record_of_it if {
	not actions.closed_to_recipient("threat", "own", police, malmo)
	not actions.closed_to_recipient("identity", "own", malmo, malmo)
	actions.holds_every_record("threat", {"agency": "police", "organisation": "polisen-syd"}, malmo)
	not actions.holds_every_record("criminal_history", probation, malmo)
}

test_no_other_cell_is_closed_here if {
	every cell in ["own_or_consent", "consent", "decided", "team"] {
		not actions.closed_to_recipient("case_ref", cell, probation, malmo)
	}
}
