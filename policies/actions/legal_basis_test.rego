package avhopp.actions_test.legal_basis

import rego.v1

import data.avhopp.actions
import data.avhopp.test.fixtures

to_police := {"agency": "police", "organisation": null}

to_social := {"agency": "social", "organisation": null}

not_police_owned(category) := sprintf("%s is not a record police owns", [category])

self_named := "a legal basis cannot name the agency recording it as recipient"

no_provider_named := "a legal basis to a provider must name the provider organisation"

# [allowed, gaps (sorted), closed (sorted)] for a legal basis the caller records: closed
# lists the categories the recipient can never be given (its cell is "none", or "own"
# of another than the caller).
cases := [
	{
		"name": "social services open their case reference to police",
		"caller": fixtures.social, "recipient": to_police, "categories": ["case_ref", "identity"],
		"want": [true, [], []],
	},
	{
		"name": "police open their threat picture to social services",
		"caller": fixtures.police, "recipient": to_social, "categories": ["threat", "placement"],
		"want": [true, [], []],
	},
	{
		"name": "police open social services' case reference to themselves",
		"caller": fixtures.police, "recipient": to_police, "categories": ["case_ref"],
		"want": [false, [self_named, not_police_owned("case_ref")], []],
	},
	{
		"name": "police open their own unit a category they own",
		"caller": fixtures.police, "recipient": {"agency": "police", "organisation": "polisen-syd"}, "categories": ["threat"],
		"want": [false, [self_named], []],
	},
	{
		"name": "police open social services' records to a provider",
		"caller": fixtures.police, "recipient": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "categories": ["health", "threat"],
		"want": [false, [not_police_owned("health")], []],
	},
	{
		"name": "social services open police's threat picture to themselves",
		"caller": fixtures.social, "recipient": to_social, "categories": ["threat"],
		"want": [false, [self_named, "threat is not a record social owns"], []],
	},
	{
		"name": "social services open their records to their own municipality",
		"caller": fixtures.social, "recipient": {"agency": "social", "organisation": "malmo"}, "categories": ["case_ref"],
		"want": [false, [self_named], []],
	},
	{
		"name": "social services open their case reference to another municipality",
		"caller": fixtures.social, "recipient": {"agency": "social", "organisation": "lund"}, "categories": ["case_ref"],
		"want": [true, [], []],
	},
	{
		# The new home town is a team cell for both: no one owns it, the team is the way to it.
		"name": "no one records a legal basis for the new home town",
		"caller": fixtures.social, "recipient": to_police, "categories": ["protected_location"],
		"want": [false, ["protected_location is not a record social owns"], []],
	},
	{
		"name": "social services open the person's identity to one provider",
		"caller": fixtures.social, "recipient": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "categories": ["identity", "contact"],
		"want": [true, [], []],
	},
	# ACCESS.md, "decided": the board decides for "this provider", one organisation;
	# a legal basis to the provider agency as a whole would name every provider.
	{
		"name": "social services open the person's identity to every provider",
		"caller": fixtures.social, "recipient": {"agency": "provider", "organisation": null}, "categories": ["identity", "contact"],
		"want": [false, [no_provider_named], []],
	},
	{
		"name": "police open their threat picture to a provider named by no organisation",
		"caller": fixtures.police, "recipient": {"agency": "provider"}, "categories": ["threat"],
		"want": [false, [no_provider_named], []],
	},
	{
		"name": "a provider named by something other than an organisation",
		"caller": fixtures.police, "recipient": {"agency": "provider", "organisation": ["skyddat-boende-ab"]}, "categories": ["threat"],
		"want": [false, [no_provider_named], []],
	},
	# ACCESS.md, baseline matrix: a "–" cell; README: no legal basis opens a "none" cell.
	{
		"name": "social services open their health records to police, who are never given them",
		"caller": fixtures.social, "recipient": to_police, "categories": ["health"],
		"want": [false, [], ["health"]],
	},
	{
		"name": "social services open the case reference and finances to police",
		"caller": fixtures.social, "recipient": to_police, "categories": ["case_ref", "finances"],
		"want": [false, [], ["finances"]],
	},
	{
		"name": "police open criminal history to a provider, who is never given it",
		"caller": fixtures.police, "recipient": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "categories": ["criminal_history", "threat"],
		"want": [false, [], ["criminal_history"]],
	},
	{
		"name": "police open social services' health records to probation",
		"caller": fixtures.police, "recipient": {"agency": "probation", "organisation": null}, "categories": ["health"],
		"want": [false, [not_police_owned("health")], ["health"]],
	},
	{
		"name": "social services open the action plan to probation, whose cell is consent",
		"caller": fixtures.social, "recipient": {"agency": "probation", "organisation": null}, "categories": ["action_plan"],
		"want": [true, [], []],
	},
	# README, the cells: an "own" cell is opened by ownership only, never by a legal
	# basis; probation's criminal history is its own records only (ACCESS.md).
	{
		"name": "police open their criminal history to probation, whose cell is own",
		"caller": fixtures.police, "recipient": {"agency": "probation", "organisation": null}, "categories": ["criminal_history"],
		"want": [false, [], ["criminal_history"]],
	},
	{
		"name": "police open their criminal history and social services' case reference to SiS",
		"caller": fixtures.police, "recipient": {"agency": "sis", "organisation": null}, "categories": ["criminal_history", "case_ref"],
		"want": [false, [not_police_owned("case_ref")], ["criminal_history"]],
	},
	{
		"name": "social services open the person's identity to another municipality",
		"caller": fixtures.social, "recipient": {"agency": "social", "organisation": "lund"}, "categories": ["case_ref", "identity", "health"],
		"want": [false, [], ["health", "identity"]],
	},
	{
		"name": "social services open their interventions to a provider, whose cell is own",
		"caller": fixtures.social, "recipient": {"agency": "provider", "organisation": "skyddat-boende-ab"}, "categories": ["identity", "interventions"],
		"want": [false, [], ["interventions"]],
	},
	{
		"name": "police open their threat picture to another police region, whose cell is own",
		"caller": fixtures.police, "recipient": {"agency": "police", "organisation": "polisen-nord"}, "categories": ["threat"],
		"want": [false, [], ["threat"]],
	},
	{
		"name": "a category the matrix does not know",
		"caller": fixtures.social, "recipient": to_police, "categories": ["shoe_size"],
		"want": [false, ["shoe_size is not a record social owns"], ["shoe_size"]],
	},
]

record(case) := [answer.allowed, sort(answer.gaps), sort(answer.closed)] if {
	answer := actions.legal_basis_record with input as {"caller": case.caller, "recipient": case.recipient, "categories": case.categories}
}

failures contains case.name if {
	some case in cases
	not record(case) == case.want
	print(case.name, "- got", recorded_or_undefined(case), "want", case.want)
}

recorded_or_undefined(case) := got if {
	got := record(case)
} else := "undefined"

test_a_legal_basis_is_recorded_by_the_owner_of_its_categories_never_for_itself if count(failures) == 0

test_an_input_of_another_shape_has_no_answer if {
	inputs := [
		{},
		{"caller": fixtures.social, "recipient": to_police},
		{"caller": fixtures.social, "recipient": to_police, "categories": []},
		{"caller": fixtures.social, "recipient": to_police, "categories": "case_ref"},
		{"caller": fixtures.social, "categories": ["case_ref"]},
		{"caller": fixtures.social, "recipient": {"organisation": null}, "categories": ["case_ref"]},
		{"recipient": to_police, "categories": ["case_ref"]},
	]
	answered := [given |
		some given in inputs
		actions.legal_basis_record with input as given
	]
	answered == []
}
