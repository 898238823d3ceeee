package avhopp.actions_test.consent

import rego.v1

import data.avhopp.actions
import data.avhopp.test.fixtures

malmo := {"agency": "social", "organisation": "malmo"}

lund := {"agency": "social", "organisation": "lund"}

# The sorted categories a consent the caller (social services of Malmö, the
# responsible municipality) records could never open to the recipient.
cases := [
	{
		"name": "the case reference and identity to police, whose cells are consent",
		"recipient": {"agency": "police", "organisation": null}, "categories": ["case_ref", "identity"],
		"want": [],
	},
	{
		"name": "health to police, who are never given it",
		"recipient": {"agency": "police", "organisation": null}, "categories": ["case_ref", "health"],
		"want": ["health"],
	},
	# README, the cells: an "own" cell is opened by ownership only; probation's
	# criminal history is its own records only (ACCESS.md), so police's stay closed.
	{
		"name": "criminal history to probation, whose cell is own",
		"recipient": {"agency": "probation", "organisation": null}, "categories": ["criminal_history", "action_plan"],
		"want": ["criminal_history"],
	},
	{
		"name": "criminal history to police, while probation and SiS own theirs",
		"recipient": {"agency": "police", "organisation": null}, "categories": ["criminal_history"],
		"want": ["criminal_history"],
	},
	# Police alone hold the threat picture: named to them, it names what they read.
	{
		"name": "the threat picture to police, who alone hold it",
		"recipient": {"agency": "police", "organisation": "polisen-syd"}, "categories": ["case_ref", "threat"],
		"want": [],
	},
	{
		"name": "Malmö's own records to Lund, another authority",
		"recipient": lund, "categories": ["case_ref", "identity", "threat"],
		"want": ["identity"],
	},
	{
		"name": "Malmö's own records to Malmö, who read them anyway",
		"recipient": malmo, "categories": ["case_ref", "identity", "threat"],
		"want": [],
	},
	{
		"name": "interventions to a provider, whose cell is own",
		"recipient": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "categories": ["identity", "interventions"],
		"want": ["interventions"],
	},
	{
		"name": "a category the matrix does not know",
		"recipient": {"agency": "police", "organisation": null}, "categories": ["shoe_size"],
		"want": ["shoe_size"],
	},
]

failures contains case.name if {
	some case in cases
	not closed_or_undefined(case) == case.want
	print(case.name, "- got", closed_or_undefined(case), "want", case.want)
}

closed_or_undefined(case) := got if {
	given := {"caller": fixtures.social, "recipient": case.recipient, "categories": case.categories}
	got := sort(actions.consent_closed) with input as given
} else := "undefined"

test_a_consent_names_nothing_its_recipient_is_never_given_or_holds_only_as_its_own if count(failures) == 0

test_an_input_of_another_shape_has_no_answer if {
	inputs := [
		{},
		{"caller": fixtures.social, "recipient": lund},
		{"caller": fixtures.social, "recipient": lund, "categories": []},
		{"caller": fixtures.social, "recipient": lund, "categories": "identity"},
		{"caller": fixtures.social, "categories": ["identity"]},
		{"caller": fixtures.social, "recipient": {"organisation": "lund"}, "categories": ["identity"]},
		{"recipient": lund, "categories": ["identity"]},
	]
	answered := [given |
		some given in inputs
		actions.consent_closed with input as given
	]
	answered == []
}
