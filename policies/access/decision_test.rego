package avhopp.access_test.decision

import rego.v1

import data.avhopp.test.fixtures

# The fixture's legal basis, recorded by the owner of the base input's records
# (Malmö's social services): a basis opens only its recorder's records.
owners_basis := fixtures.overlay(fixtures.legal_basis, {"granted_by": fixtures.social_owner})

all_categories := [category | some category, _ in data.avhopp.settings.matrix]

callers := [fixtures.police, fixtures.social, fixtures.provider, fixtures.probation, fixtures.sis]

readme_example := {
	"caller": fixtures.police, "purpose": "protection", "owner": fixtures.social_owner,
	"case_id": "c-1", "categories": ["case_ref", "identity", "health"], "now": fixtures.now,
	"consents": [fixtures.overlay(fixtures.consent, {"valid_from": 1794000000})],
	"disclosure_decisions": [fixtures.disclosure],
	"team": [{"agency": "police", "organisation": "polisen-syd", "user": "u-17"}],
	"legal_bases": [fixtures.overlay(owners_basis, {"valid_from": 1794000000})],
	"break_glass": [fixtures.overlay(fixtures.break_glass, {"valid_from": 1794000000, "expires_at": 1795003600})],
}

test_the_readme_example_decides_as_documented if {
	decision := data.avhopp.access.decision with input as readme_example
	decision == {
		"allowed": {
			"case_ref": {"rule": "consent", "basis": "consent-1"},
			"identity": {"rule": "consent", "basis": "consent-1"},
		},
		"withheld": {"health": "not permitted for police"},
	}
}

test_every_requested_category_is_in_exactly_one_of_the_two if {
	every caller in callers {
		decision := fixtures.decide({"caller": caller, "categories": array.concat(all_categories, ["unknown"])})
		allowed := {category | some category, _ in decision.allowed}
		withheld := {category | some category, _ in decision.withheld}
		count(allowed & withheld) == 0
		allowed | withheld == {category | some category in all_categories} | {"unknown"}
	}
}

test_with_nothing_granted_every_cell_names_its_gap if {
	decision := fixtures.decide({"caller": fixtures.provider, "categories": all_categories})
	decision.allowed == {}
	decision.withheld.case_ref == "no disclosure decision"
	decision.withheld.interventions == "not the owner"
	decision.withheld.finances == "not permitted for provider"
}

test_no_categories_give_an_empty_decision if {
	fixtures.decide({}) == {"allowed": {}, "withheld": {}}
}

test_a_category_named_twice_is_decided_once if {
	decision := fixtures.decide({"categories": ["health", "health"]})
	decision == {"allowed": {}, "withheld": {"health": "not permitted for police"}}
}

test_a_category_missing_from_the_matrix_is_not_permitted if {
	fixtures.decide({"categories": ["shoe_size"]}).withheld == {"shoe_size": "not permitted for police"}
}

test_an_agency_missing_from_the_matrix_is_not_permitted if {
	customs := {"agency": "customs", "organisation": "tull", "user": "u-9", "client_id": "customs-demo"}
	decision := fixtures.decide({"caller": customs, "categories": ["case_ref"], "consents": [
		fixtures.overlay(fixtures.consent, {"recipients": [{"agency": "customs", "organisation": null}]}),
	]})
	decision.withheld == {"case_ref": "not permitted for customs"}
}

test_a_cell_the_matrix_does_not_know_is_not_permitted if {
	decision := fixtures.decide({"categories": ["case_ref"], "consents": [fixtures.consent]})
		with data.avhopp.settings.matrix as {"case_ref": {"police": "maybe"}}
	decision.withheld == {"case_ref": "not permitted for police"}
}

test_the_table_runner_reports_every_case_that_does_not_hold if {
	fixtures.failures([
		{"name": "holds", "given": {}, "category": "health", "want": ["withheld", "not permitted for police"]},
		{"name": "wrong want", "given": {}, "category": "health", "want": ["allowed", "own", null]},
		{"name": "no agency", "given": {"caller": {}}, "category": "health", "want": ["withheld", "not permitted for police"]},
	]) == {"wrong want", "no agency"}
}

test_the_column_is_the_callers_agencys_cells if {
	column := data.avhopp.access.column with input as fixtures.base
	column.case_ref == "consent"
	column.health == "none"
	count(column) == count(all_categories)
}

test_there_is_no_column_without_a_caller if {
	not data.avhopp.access.column with input as {}
}

# A cell value the matrix does not know opens a category for no rule but the
# owner's, exactly as "none" does, and is withheld with the reason of "none".
unknown_cell := {"case_ref": {"police": "maybe", "social": "maybe"}, "protected_location": {"police": "maybe"}}

test_an_unknown_cell_opens_for_nothing_a_none_cell_does_not if {
	given := {
		"categories": ["case_ref", "protected_location"],
		"consents": [fixtures.overlay(fixtures.consent, {"categories": ["case_ref", "protected_location"]})],
		"team": [{"agency": "police", "organisation": "polisen-syd", "user": "u-17"}],
		"legal_bases": [fixtures.overlay(owners_basis, {"categories": ["case_ref", "protected_location"]})],
		"break_glass": [fixtures.overlay(fixtures.break_glass, {"categories": ["case_ref", "protected_location"]})],
	}
	decision := fixtures.decide(given) with data.avhopp.settings.matrix as unknown_cell
	decision == {"allowed": {}, "withheld": {
		"case_ref": "not permitted for police",
		"protected_location": "not permitted for police",
	}}
}

test_an_unknown_cell_is_readable_by_the_owner_as_a_none_cell_is if {
	given := {"caller": fixtures.social, "categories": ["case_ref", "health"]}
	decision := fixtures.decide(given) with data.avhopp.settings.matrix as unknown_cell
	decision.allowed == {"case_ref": {"rule": "own", "basis": null}, "health": {"rule": "own", "basis": null}}
}

test_a_provider_with_an_unknown_cell_and_a_decision_is_not_permitted if {
	given := {
		"caller": fixtures.provider, "categories": ["case_ref"],
		"disclosure_decisions": [fixtures.overlay(fixtures.disclosure, {"categories": ["case_ref"]})],
	}
	decision := fixtures.decide(given) with data.avhopp.settings.matrix as {"case_ref": {"provider": "maybe"}}
	decision.withheld == {"case_ref": "not permitted for provider"}
}
