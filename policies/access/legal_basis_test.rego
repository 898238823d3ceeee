package avhopp.access_test.legal_basis

import rego.v1

import data.avhopp.test.fixtures

# Recorded by the owner of the records read (policies/README.md, "Recording a
# legal basis": the disclosing authority applies the provision to its own records).
recorded := fixtures.overlay(fixtures.legal_basis, {"granted_by": fixtures.social_owner})

basis(changes) := fixtures.overlay(recorded, changes)

now := fixtures.now

allowed := ["allowed", "legal_basis", "basis-1"]

# 10 kap. 18 a § OSL: each case is police reading case_ref, with no consent.
cases := [
	{"name": "a recorded basis", "given": {"legal_bases": [recorded]}, "want": allowed},
	{"name": "the caller's organisation named", "given": {"legal_bases": [basis({"recipient": {"agency": "police", "organisation": "polisen-syd"}})]}, "want": allowed},
	{"name": "another organisation named", "given": {"legal_bases": [basis({"recipient": {"agency": "police", "organisation": "polisen-nord"}})]}, "want": ["withheld", "no consent"]},
	{"name": "another agency named", "given": {"legal_bases": [basis({"recipient": {"agency": "sis", "organisation": null}})]}, "want": ["withheld", "no consent"]},
	{"name": "another category", "given": {"legal_bases": [basis({"categories": ["identity"]})]}, "want": ["withheld", "no consent"]},
	{"name": "ended", "given": {"legal_bases": [basis({"valid_to": now})]}, "want": ["withheld", "no consent"]},
	{"name": "still running", "given": {"legal_bases": [basis({"valid_to": now + 1})]}, "want": allowed},
	{"name": "not yet in force", "given": {"legal_bases": [basis({"valid_from": now + 1})]}, "want": ["withheld", "no consent"]},
	{"name": "a consent is preferred as the basis", "given": {"legal_bases": [recorded], "consents": [fixtures.consent]}, "want": ["allowed", "consent", "consent-1"]},
	{"name": "preferred to break-glass", "given": {"legal_bases": [recorded], "break_glass": [fixtures.overlay(fixtures.break_glass, {"categories": ["case_ref"]})]}, "want": allowed},
]

test_a_legal_basis_opens_a_consent_cell_without_consent if {
	count(fixtures.failures([object.union(case, {"category": "case_ref"}) | some case in cases])) == 0
}

test_a_legal_basis_opens_a_team_cell if {
	given := {"legal_bases": [basis({"categories": ["protected_location"]})], "categories": ["protected_location"]}
	fixtures.decide(given).allowed.protected_location == {"rule": "legal_basis", "basis": "basis-1"}
}

test_a_legal_basis_never_opens_a_cell_the_matrix_closes if {
	given := {"legal_bases": [basis({"categories": ["health", "family"]})], "categories": ["health", "family"]}
	fixtures.decide(given).withheld == {"health": "not permitted for police", "family": "not permitted for police"}
}

# ACCESS.md, "decided": a provider reads a category only when the deciding
# board has recorded a disclosure decision for this provider. A legal basis
# stands in for the person's consent, never for the board's decision; each
# case is the provider reading identity, a decided cell.
to_provider := {"agency": "provider", "organisation": "skyddat-boende-ab"}

to_every_provider := {"agency": "provider", "organisation": null}

provider_basis(recipient) := basis({"recipient": recipient, "categories": ["identity"]})

identity_decided := fixtures.overlay(fixtures.disclosure, {"categories": ["identity"]})

identity_consent := fixtures.overlay(fixtures.consent, {"recipients": [to_provider], "categories": ["identity"]})

no_decision := ["withheld", "no disclosure decision"]

decided_cases := [
	{
		"name": "a basis for the provider without the board's decision",
		"given": {"caller": fixtures.provider, "legal_bases": [provider_basis(to_provider)]},
		"category": "identity", "want": no_decision,
	},
	{
		"name": "a basis for the provider with the board's decision",
		"given": {"caller": fixtures.provider, "legal_bases": [provider_basis(to_provider)], "disclosure_decisions": [identity_decided]},
		"category": "identity", "want": allowed,
	},
	{
		"name": "a basis for every provider without a decision",
		"given": {"caller": fixtures.provider, "legal_bases": [provider_basis(to_every_provider)]},
		"category": "identity", "want": no_decision,
	},
	{
		"name": "a basis for every provider with a decision for the caller",
		"given": {"caller": fixtures.provider, "legal_bases": [provider_basis(to_every_provider)], "disclosure_decisions": [identity_decided]},
		"category": "identity", "want": allowed,
	},
	{
		"name": "a basis for the provider with a decision for another provider",
		"given": {
			"caller": fixtures.provider, "legal_bases": [provider_basis(to_provider)],
			"disclosure_decisions": [fixtures.overlay(identity_decided, {"provider_organisation": "annat-boende-ab"})],
		},
		"category": "identity", "want": no_decision,
	},
	{
		"name": "a basis for the provider with a decision for another category",
		"given": {"caller": fixtures.provider, "legal_bases": [provider_basis(to_provider)], "disclosure_decisions": [fixtures.disclosure]},
		"category": "identity", "want": no_decision,
	},
	{
		"name": "a basis, a decision and a consent",
		"given": {
			"caller": fixtures.provider, "legal_bases": [provider_basis(to_provider)],
			"disclosure_decisions": [identity_decided], "consents": [identity_consent],
		},
		"category": "identity", "want": ["allowed", "decided", "decision-1"],
	},
]

test_a_legal_basis_opens_a_decided_cell_only_where_the_board_decided if {
	count(fixtures.failures(decided_cases)) == 0
}

test_a_legal_basis_replaces_the_consent_of_each_decided_category_the_board_decided if {
	given := {
		"caller": fixtures.provider, "categories": ["identity", "contact"],
		"legal_bases": [basis({"recipient": to_provider, "categories": ["identity", "contact"]})],
		"disclosure_decisions": [identity_decided],
	}
	fixtures.decide(given) == {
		"allowed": {"identity": {"rule": "legal_basis", "basis": "basis-1"}},
		"withheld": {"contact": "no disclosure decision"},
	}
}

# README, "Beyond consent": a legal basis is recorded by the agency that owns
# the categories it opens, and opens those records only; policies/README.md:
# no one opens another agency's records this way. Each case is police reading
# case_ref of Malmö's social services (the base owner).
granted_by_cases := [
	{"name": "recorded by the owner", "given": {"legal_bases": [recorded]}, "want": allowed},
	{"name": "recorded by the owner's agency for an owner naming none", "given": {"owner": {"agency": "social", "organisation": null}, "legal_bases": [recorded]}, "want": allowed},
	{"name": "recorded by another municipality", "given": {"legal_bases": [basis({"granted_by": {"agency": "social", "organisation": "lund"}})]}, "want": ["withheld", "no consent"]},
	{"name": "recorded by the agency without an organisation", "given": {"legal_bases": [basis({"granted_by": {"agency": "social", "organisation": null}})]}, "want": ["withheld", "no consent"]},
	{"name": "recorded by another agency", "given": {"legal_bases": [basis({"granted_by": {"agency": "police", "organisation": "polisen-syd"}})]}, "want": ["withheld", "no consent"]},
	{"name": "recorded by no one known", "given": {"legal_bases": [basis({"granted_by": null})]}, "want": ["withheld", "no consent"]},
	{"name": "without a recorder", "given": {"legal_bases": [object.remove(recorded, ["granted_by"])]}, "want": ["withheld", "no consent"]},
	{"name": "a recorder that is no party", "given": {"legal_bases": [basis({"granted_by": "social"})]}, "want": ["withheld", "no consent"]},
]

test_a_legal_basis_opens_only_the_records_of_the_agency_that_recorded_it if {
	count(fixtures.failures([object.union(case, {"category": "case_ref"}) | some case in granted_by_cases])) == 0
}

# Malmö's basis for the municipality of stay over followup opens Malmö's own
# follow-up records to it, never police's relapse report, which Malmö itself
# reads only under the person's consent (ACCESS.md, own_or_consent).
stay := {"agency": "social", "organisation": "umea", "user": "u-9", "client_id": "social-umea"}

malmo_for_stay := basis({"recipient": {"agency": "social", "organisation": "umea"}, "categories": ["case_ref", "followup"]})

test_a_municipality_s_legal_basis_never_opens_police_s_relapse_report if {
	police_record := {"caller": stay, "purpose": "intervention", "owner": {"agency": "police", "organisation": "polisen-syd"}, "categories": ["followup"], "legal_bases": [malmo_for_stay]}
	fixtures.decide(police_record) == {"allowed": {}, "withheld": {"followup": "no consent"}}
	malmo_record := fixtures.overlay(police_record, {"owner": fixtures.social_owner})
	fixtures.decide(malmo_record).allowed == {"followup": {"rule": "legal_basis", "basis": "basis-1"}}
}
