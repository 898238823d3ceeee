package avhopp.lib_test.match

import rego.v1

import data.avhopp.lib

caller := {"agency": "police", "organisation": "polisen-syd", "user": "u-17"}

# Booleans, so a table row can want false: the helpers are undefined, not false.
matches(recipient) := true if {
	lib.recipient_matches(recipient, caller)
} else := false

owned_by(owner) := true if {
	lib.owns(caller, owner)
} else := false

same(named, other) := true if {
	lib.same_person(named, other)
} else := false

recipient_cases := [
	{"recipient": {"agency": "police", "organisation": null}, "want": true},
	{"recipient": {"agency": "police", "organisation": "polisen-syd"}, "want": true},
	{"recipient": {"agency": "police", "organisation": "polisen-nord"}, "want": false},
	{"recipient": {"agency": "police"}, "want": false},
	{"recipient": {"agency": "social", "organisation": null}, "want": false},
	{"recipient": {"agency": "social", "organisation": "polisen-syd"}, "want": false},
]

test_a_recipient_is_an_agency_or_one_of_its_organisations if {
	every case in recipient_cases {
		matches(case.recipient) == case.want
	}
}

test_a_service_of_the_agency_matches_a_recipient_naming_one_of_its_organisations if {
	service := {"agency": "police", "organisation": "avhopp-threat", "user": null, "service": true}
	lib.recipient_matches({"agency": "police", "organisation": "polisen-syd"}, service)
	lib.recipient_matches({"agency": "police", "organisation": null}, service)
	not lib.recipient_matches({"agency": "social", "organisation": "1280"}, service)
	not lib.recipient_matches({"agency": "police", "organisation": "polisen-syd"}, object.union(service, {"service": false}))
	not lib.recipient_matches({"agency": "police", "organisation": "polisen-syd"}, object.union(service, {"service": "true"}))
}

test_a_null_organisation_recipient_does_not_match_a_caller_without_one if {
	not lib.recipient_matches({"agency": "police", "organisation": "x"}, {"agency": "police", "organisation": null})
	lib.recipient_matches({"agency": "police", "organisation": null}, {"agency": "police", "organisation": null})
}

owner_cases := [
	{"owner": {"agency": "police", "organisation": "polisen-syd"}, "want": true},
	{"owner": {"agency": "police", "organisation": null}, "want": true},
	{"owner": {"agency": "police"}, "want": true},
	{"owner": {"agency": "police", "organisation": "polisen-nord"}, "want": false},
	{"owner": {"agency": "social", "organisation": null}, "want": false},
]

test_the_owner_is_the_agency_and_its_named_organisation if {
	every case in owner_cases {
		owned_by(case.owner) == case.want
	}
}

person_cases := [
	{"named": caller, "caller": caller, "want": true},
	{"named": object.union(caller, {"user": "u-18"}), "caller": caller, "want": false},
	{"named": object.union(caller, {"organisation": "polisen-nord"}), "caller": caller, "want": false},
	{"named": object.union(caller, {"agency": "social"}), "caller": caller, "want": false},
	{"named": object.union(caller, {"user": null}), "caller": object.union(caller, {"user": null}), "want": false},
	{"named": object.union(caller, {"organisation": null}), "caller": object.union(caller, {"organisation": null}), "want": false},
]

test_a_named_person_is_agency_organisation_and_user if {
	every case in person_cases {
		same(case.named, case.caller) == case.want
	}
}
