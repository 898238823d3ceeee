package avhopp.access_test.team

import rego.v1

import data.avhopp.test.fixtures

member(changes) := fixtures.overlay({"agency": "police", "organisation": "polisen-syd", "user": "u-17"}, changes)

not_on_team := ["withheld", "not on the case team"]

# ACCESS.md, "team": named members only, never the whole agency; each case
# reads protected_location.
cases := [
	{"name": "a named member", "given": {"team": [member({})]}, "want": ["allowed", "team", null]},
	{"name": "no team", "given": {}, "want": not_on_team},
	{"name": "another user of the same unit", "given": {"team": [member({"user": "u-18"})]}, "want": not_on_team},
	{"name": "the same user id in another organisation", "given": {"team": [member({"organisation": "polisen-nord"})]}, "want": not_on_team},
	{"name": "the same user id in another agency", "given": {"team": [member({"agency": "social"})]}, "want": not_on_team},
	{
		"name": "a caller without a user is never a named member",
		"given": {"caller": fixtures.overlay(fixtures.police, {"user": null}), "team": [member({"user": null})]},
		"want": not_on_team,
	},
	{
		"name": "the owning social services caseworker on the team",
		"given": {"caller": fixtures.social, "team": [member({"agency": "social", "organisation": "malmo", "user": "u-3"})]},
		"want": ["allowed", "team", null],
	},
	{
		"name": "probation is never on a protected_location team",
		"given": {"caller": fixtures.probation, "team": [member({"agency": "probation", "organisation": "frivarden-syd", "user": "u-52"})]},
		"want": ["withheld", "not permitted for probation"],
	},
]

test_only_named_team_members_read_a_team_cell if {
	count(fixtures.failures([object.union(case, {"category": "protected_location"}) | some case in cases])) == 0
}

test_team_membership_opens_no_other_cell if {
	decision := fixtures.decide({"team": [member({})], "categories": ["case_ref", "health"]})
	decision.withheld == {"case_ref": "no consent", "health": "not permitted for police"}
}
