package avhopp.access_test.break_glass

import rego.v1

import data.avhopp.test.fixtures

grant(changes) := fixtures.overlay(fixtures.break_glass, changes)

now := fixtures.now

allowed := ["allowed", "break_glass", "glass-1"]

closed := ["withheld", "not on the case team"]

# Acute danger: each case is police user u-17, not on the team, reading
# protected_location.
cases := [
	{"name": "an unexpired grant", "given": {"break_glass": [fixtures.break_glass]}, "want": allowed},
	{"name": "expired at now", "given": {"break_glass": [grant({"expires_at": now})]}, "want": closed},
	{"name": "one second left", "given": {"break_glass": [grant({"expires_at": now + 1})]}, "want": allowed},
	{"name": "not yet valid", "given": {"break_glass": [grant({"valid_from": now + 1})]}, "want": closed},
	{"name": "no expiry is no grant", "given": {"break_glass": [grant({"expires_at": null})]}, "want": closed},
	{"name": "another user", "given": {"break_glass": [grant({"user": "u-18"})]}, "want": closed},
	{"name": "another organisation", "given": {"break_glass": [grant({"organisation": "polisen-nord"})]}, "want": closed},
	{"name": "another category", "given": {"break_glass": [grant({"categories": ["identity"]})]}, "want": closed},
	{"name": "the smallest id of two", "given": {"break_glass": [grant({"id": "glass-2"}), fixtures.break_glass]}, "want": allowed},
]

test_break_glass_opens_a_team_cell_for_the_named_user_until_it_expires if {
	count(fixtures.failures([object.union(case, {"category": "protected_location"}) | some case in cases])) == 0
}

test_break_glass_opens_a_consent_cell if {
	given := {"break_glass": [grant({"categories": ["identity"]})], "categories": ["identity"]}
	fixtures.decide(given).allowed.identity == {"rule": "break_glass", "basis": "glass-1"}
}

test_break_glass_never_opens_a_cell_the_matrix_closes if {
	given := {"break_glass": [grant({"categories": ["health"]})], "categories": ["health"]}
	fixtures.decide(given).withheld.health == "not permitted for police"
}

test_break_glass_never_opens_another_owners_own_cell if {
	given := {"break_glass": [grant({"categories": ["threat"]})], "categories": ["threat"]}
	fixtures.decide(given).withheld.threat == "not the owner"
}

# ACCESS.md, "decided": a provider reads a category only when the deciding
# board has recorded a disclosure decision for this provider. Break-glass,
# like a legal basis, stands in for the person's consent, never for the
# board's decision; each case is provider user u-40 reading identity.
provider_grant(changes) := grant(object.union(
	{"agency": "provider", "organisation": "skyddat-boende-ab", "user": "u-40", "categories": ["identity"]},
	changes,
))

identity_decided := fixtures.overlay(fixtures.disclosure, {"categories": ["identity"]})

decided_cases := [
	{
		"name": "a grant without the board's decision",
		"given": {"caller": fixtures.provider, "break_glass": [provider_grant({})]},
		"category": "identity", "want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a grant with the board's decision",
		"given": {"caller": fixtures.provider, "break_glass": [provider_grant({})], "disclosure_decisions": [identity_decided]},
		"category": "identity", "want": allowed,
	},
	{
		"name": "a grant with a decision for another provider",
		"given": {
			"caller": fixtures.provider, "break_glass": [provider_grant({})],
			"disclosure_decisions": [fixtures.overlay(identity_decided, {"provider_organisation": "annat-boende-ab"})],
		},
		"category": "identity", "want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "an expired grant with the board's decision",
		"given": {"caller": fixtures.provider, "break_glass": [provider_grant({"expires_at": now})], "disclosure_decisions": [identity_decided]},
		"category": "identity", "want": ["withheld", "no consent"],
	},
]

test_break_glass_opens_a_decided_cell_only_where_the_board_decided if {
	count(fixtures.failures(decided_cases)) == 0
}
