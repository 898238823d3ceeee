package avhopp.access_test.own

import rego.v1

import data.avhopp.test.fixtures

# The fixture's legal basis, recorded by the owner of the base input's records
# (Malmö's social services): a basis opens only its recorder's records.
owners_basis := fixtures.overlay(fixtures.legal_basis, {"granted_by": fixtures.social_owner})

lund_social := fixtures.overlay(fixtures.social, {"organisation": "lund"})

police_owner := {"agency": "police", "organisation": "polisen-syd"}

cases := [
	{
		"name": "social services read their own identity record",
		"given": {"caller": fixtures.social}, "category": "identity",
		"want": ["allowed", "own", null],
	},
	{
		"name": "another municipality is not the owner",
		"given": {"caller": lund_social}, "category": "identity",
		"want": ["withheld", "not the owner"],
	},
	{
		"name": "an owner naming no organisation is the whole agency",
		"given": {"caller": lund_social, "owner": {"agency": "social", "organisation": null}},
		"category": "identity", "want": ["allowed", "own", null],
	},
	{
		"name": "an owner without an organisation key is the whole agency",
		"given": {"caller": lund_social, "owner": {"agency": "social"}},
		"category": "health", "want": ["allowed", "own", null],
	},
	{
		"name": "police read their own threat picture",
		"given": {"owner": police_owner}, "category": "threat",
		"want": ["allowed", "own", null],
	},
	{
		"name": "police do not own the threat picture social services hold",
		"given": {}, "category": "threat", "want": ["withheld", "not the owner"],
	},
	{
		"name": "a legal basis does not make a non-owner the owner",
		"given": {"caller": lund_social, "legal_bases": [fixtures.overlay(
			owners_basis,
			{"recipient": {"agency": "social", "organisation": null}, "categories": ["identity"]},
		)]},
		"category": "identity", "want": ["withheld", "not the owner"],
	},
	{
		"name": "a provider reads its own intervention reports",
		"given": {"caller": fixtures.provider, "owner": {"agency": "provider", "organisation": "skyddat-boende-ab"}},
		"category": "interventions", "want": ["allowed", "own", null],
	},
	{
		"name": "police read the case reference of their own records without a consent",
		"given": {"owner": police_owner, "consents": []}, "category": "case_ref",
		"want": ["allowed", "own", null],
	},
	{
		"name": "an owner reads its own record even in a category its cell closes",
		"given": {"owner": police_owner}, "category": "application",
		"want": ["allowed", "own", null],
	},
	{
		"name": "an owner with a consent as well is still recorded as the owner",
		"given": {"caller": fixtures.social, "owner": {"agency": "social", "organisation": "malmo"}},
		"category": "threat", "want": ["allowed", "own", null],
	},
	{
		"name": "probation reads its own criminal history records",
		"given": {"caller": fixtures.probation, "owner": {"agency": "probation", "organisation": null}},
		"category": "criminal_history", "want": ["allowed", "own", null],
	},
]

test_the_owner_reads_its_own_records_and_own_cells_open_for_no_one_else if count(fixtures.failures(cases)) == 0

test_the_owner_reaches_protected_location_only_through_the_team if {
	decision := fixtures.decide({"caller": fixtures.social, "categories": ["protected_location"]})
	decision.withheld.protected_location == "not on the case team"
}
