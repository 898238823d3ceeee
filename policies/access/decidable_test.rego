package avhopp.access_test.decidable

import rego.v1

# The rule is named by its full path: regorus applies "with" to a rule reached
# through an import alias without re-evaluating it.

# [agency, the categories a disclosure decision can open to it] (ACCESS.md, baseline matrix).
agencies := [
	{
		"name": "a provider can be decided the file's working parts, never criminal history",
		"agency": "provider",
		"want": {
			"case_ref", "identity", "contact", "protected_location", "threat", "placement",
			"protective_measures", "health", "action_plan",
		},
	},
	{
		"name": "police are opened by consent and the team, never by a decision",
		"agency": "police",
		"want": set(),
	},
	{
		"name": "social services own what they decide on",
		"agency": "social",
		"want": set(),
	},
]

failures contains case.name if {
	some case in agencies
	got := data.avhopp.access.decidable with input as {"agency": case.agency}
	got != case.want
	print(case.name, "- got", got, "want", case.want)
}

test_an_agency_can_be_decided_only_its_decided_cells if count(failures) == 0

test_a_part_is_never_decided_on_its_own if {
	matrix := object.union(data.avhopp.settings.matrix, {"followup_detail": {"provider": "decided"}})
	parts := {"followup_detail": "followup"}
	got := data.avhopp.access.decidable with input as {"agency": "provider"}
		with data.avhopp.settings.matrix as matrix
		with data.avhopp.settings.parts as parts
	not "followup_detail" in got
}

test_an_unknown_agency_has_no_answer if {
	not data.avhopp.access.decidable with input as {"agency": "nobody"}
}
