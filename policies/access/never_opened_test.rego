package avhopp.access_test.never_opened

import rego.v1

# The rule is named by its full path: regorus applies "with" to a rule reached
# through an import alias without re-evaluating it.

# [agency, categories nothing ever opens to it] (ACCESS.md, baseline matrix: "–").
agencies := [
	{
		"name": "police are never given health, finances, investigation or family",
		"agency": "police",
		"want": {
			"contact", "application", "health", "investigation", "decisions",
			"action_plan", "interventions", "finances", "family", "followup_detail",
		},
	},
	{
		"name": "a provider is never given criminal history or social services' own findings",
		"agency": "provider",
		"want": {"application", "criminal_history", "investigation", "decisions", "decision_summary", "finances", "family"},
	},
	{
		"name": "probation is never given the new home town",
		"agency": "probation",
		"want": {
			"contact", "protected_location", "application", "threat", "placement",
			"protective_measures", "health", "investigation", "decisions",
			"interventions", "finances", "family", "followup", "followup_detail",
		},
	},
	{
		"name": "social services are given everything in some way",
		"agency": "social",
		"want": set(),
	},
]

failures contains case.name if {
	some case in agencies
	got := data.avhopp.access.never_opened with input as {"agency": case.agency}
	got != case.want
	print(case.name, "- got", got, "want", case.want)
}

test_an_agency_is_never_given_its_none_cells if count(failures) == 0

test_a_cell_that_opens_in_some_way_is_not_listed if {
	data.avhopp.settings.matrix.health.provider == "decided"
	data.avhopp.settings.matrix.protected_location.police == "team"
	not "health" in data.avhopp.access.never_opened with input as {"agency": "provider"}
	not "protected_location" in data.avhopp.access.never_opened with input as {"agency": "police"}
	not "threat" in data.avhopp.access.never_opened with input as {"agency": "police"}
}

test_an_unknown_agency_has_no_answer if {
	not data.avhopp.access.never_opened with input as {"agency": "nobody"}
	not data.avhopp.access.never_opened with input as {"agency": ["police"]}
}
