package avhopp.access_test.input

import rego.v1

import data.avhopp.test.fixtures

readable := ["readable"]

unreadable := ["no decision"]

# readable_input is true or undefined; a table row names either outcome.
read(given) := ["readable"] if {
	data.avhopp.access.readable_input with input as fixtures.overlay(fixtures.base, given)
} else := ["no decision"]

consent(changes) := fixtures.overlay(fixtures.consent, changes)

# policies/README.md: every list is a list, empty or not, never absent. Each
# case changes the base input (police reading nothing yet) in one place.
cases := [
	{"name": "the base input", "given": {}, "want": readable},
	{"name": "every kind of grant present", "given": {
		"consents": [fixtures.consent], "disclosure_decisions": [fixtures.disclosure],
		"team": [{"agency": "police", "organisation": "polisen-syd", "user": "u-17"}],
		"legal_bases": [fixtures.legal_basis], "break_glass": [fixtures.break_glass],
		"categories": ["case_ref"],
	}, "want": readable},
	{"name": "categories null", "given": {"categories": null}, "want": unreadable},
	{"name": "categories a string", "given": {"categories": "case_ref"}, "want": unreadable},
	{"name": "consents an object", "given": {"consents": {"consent-1": fixtures.consent}}, "want": unreadable},
	{"name": "team null", "given": {"team": null}, "want": unreadable},
	{"name": "legal bases a number", "given": {"legal_bases": 1}, "want": unreadable},
	{"name": "break-glass a string", "given": {"break_glass": "glass-1"}, "want": unreadable},
	{"name": "disclosure decisions null", "given": {"disclosure_decisions": null}, "want": unreadable},
	{"name": "a consent's categories null", "given": {"consents": [consent({"categories": null})]}, "want": unreadable},
	{"name": "a consent's recipients an object", "given": {"consents": [consent({"recipients": {"agency": "police"}})]}, "want": unreadable},
	{"name": "a consent's purposes a string", "given": {"consents": [consent({"purposes": "protection"})]}, "want": unreadable},
	{"name": "a consent that is no object", "given": {"consents": ["consent-1"]}, "want": unreadable},
	{"name": "a valid consent beside a broken one", "given": {"consents": [fixtures.consent, consent({"categories": null})]}, "want": unreadable},
	{"name": "a disclosure decision's categories a string", "given": {"disclosure_decisions": [fixtures.overlay(fixtures.disclosure, {"categories": "threat"})]}, "want": unreadable},
	{"name": "a legal basis's categories null", "given": {"legal_bases": [fixtures.overlay(fixtures.legal_basis, {"categories": null})]}, "want": unreadable},
	{"name": "a grant's categories missing", "given": {"break_glass": [object.remove(fixtures.break_glass, ["categories"])]}, "want": unreadable},
]

failures contains case.name if {
	some case in cases
	got := read(case.given)
	got != case.want
	print(case.name, "- got", got, "want", case.want)
}

test_only_an_input_of_the_readme_shape_is_readable if count(failures) == 0

test_an_absent_list_is_unreadable if {
	not data.avhopp.access.readable_input with input as object.remove(fixtures.base, ["team"])
}

test_an_unreadable_input_has_no_decision_even_where_a_consent_would_open if {
	given := {"consents": [fixtures.consent, consent({"id": "consent-0", "categories": null})], "categories": ["case_ref"]}
	not data.avhopp.access.decision with input as fixtures.overlay(fixtures.base, given)
}
