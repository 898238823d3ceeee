package avhopp.access_test.decided

import rego.v1

import data.avhopp.test.fixtures

# The fixture's legal basis, recorded by the owner of the base input's records
# (Malmö's social services): a basis opens only its recorder's records.
owners_basis := fixtures.overlay(fixtures.legal_basis, {"granted_by": fixtures.social_owner})

provider_consent := fixtures.overlay(fixtures.consent, {
	"recipients": [{"agency": "provider", "organisation": "skyddat-boende-ab"}],
	"categories": ["threat"], "purposes": ["protection"],
})

decision(changes) := fixtures.overlay(fixtures.disclosure, changes)

provider_basis := fixtures.overlay(owners_basis, {
	"recipient": {"agency": "provider", "organisation": "skyddat-boende-ab"},
	"categories": ["threat"],
})

# The deciding board's disclosure decision and consent, both needed for a
# provider (ACCESS.md, "decided"); each case is the provider reading threat.
cases := [
	{
		"name": "a decision and a consent",
		"given": {"disclosure_decisions": [fixtures.disclosure], "consents": [provider_consent]},
		"want": ["allowed", "decided", "decision-1"],
	},
	{
		"name": "a decision without a consent",
		"given": {"disclosure_decisions": [fixtures.disclosure]},
		"want": ["withheld", "no consent"],
	},
	{
		"name": "a decision with a withdrawn consent",
		"given": {
			"disclosure_decisions": [fixtures.disclosure],
			"consents": [fixtures.overlay(provider_consent, {"status": "withdrawn"})],
		},
		"want": ["withheld", "no consent"],
	},
	{
		"name": "a consent without a decision",
		"given": {"consents": [provider_consent]},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a decision for another provider",
		"given": {
			"disclosure_decisions": [decision({"provider_organisation": "annat-boende-ab"})],
			"consents": [provider_consent],
		},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a decision for another category",
		"given": {"disclosure_decisions": [decision({"categories": ["health"]})], "consents": [provider_consent]},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "two decisions give the smallest id",
		"given": {
			"disclosure_decisions": [decision({"id": "decision-2"}), fixtures.disclosure],
			"consents": [provider_consent],
		},
		"want": ["allowed", "decided", "decision-1"],
	},
	# A legal basis stands in for the consent, never for the board's decision
	# (ACCESS.md, "decided": only when the board has recorded one for this provider).
	{
		"name": "a decision and a legal basis",
		"given": {"disclosure_decisions": [fixtures.disclosure], "legal_bases": [provider_basis]},
		"want": ["allowed", "legal_basis", "basis-1"],
	},
	{
		"name": "a legal basis without a decision",
		"given": {"legal_bases": [provider_basis]},
		"want": ["withheld", "no disclosure decision"],
	},
	{
		"name": "a legal basis with a decision for another provider",
		"given": {
			"disclosure_decisions": [decision({"provider_organisation": "annat-boende-ab"})],
			"legal_bases": [provider_basis],
		},
		"want": ["withheld", "no disclosure decision"],
	},
]

test_a_provider_needs_both_a_disclosure_decision_and_a_consent if {
	provider_cases := [object.union(case, {"category": "threat"}) |
		some case in cases
	]
	count(fixtures.failures([object.union(case, {"given": object.union(case.given, {"caller": fixtures.provider})}) |
		some case in provider_cases
	])) == 0
}

test_a_decision_names_providers_only if {
	given := {
		"caller": fixtures.overlay(fixtures.police, {"organisation": "skyddat-boende-ab"}),
		"disclosure_decisions": [fixtures.disclosure],
		"categories": ["case_ref"],
	}
	fixtures.decide(given).withheld.case_ref == "no consent"
	recorded := data.avhopp.access.decision_basis with input as fixtures.overlay(fixtures.base, given)
	recorded == {}
}
