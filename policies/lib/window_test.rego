package avhopp.lib_test.window

import rego.v1

import data.avhopp.lib

now := 1795000000

# A boolean, so a table row can want false: lib.within is undefined, not false.
open_at(from, until) := true if {
	lib.within(from, until, now)
} else := false

cases := [
	{"from": now - 10, "until": null, "want": true},
	{"from": now, "until": null, "want": true},
	{"from": now + 1, "until": null, "want": false},
	{"from": now - 10, "until": now + 1, "want": true},
	{"from": now - 10, "until": now, "want": false},
	{"from": now - 10, "until": now - 1, "want": false},
	{"from": null, "until": null, "want": false},
	{"from": "2020-01-01", "until": null, "want": false},
	{"from": now - 10, "until": "never", "want": false},
	{"from": now - 10, "until": false, "want": false},
]

test_a_window_opens_at_valid_from_and_closes_before_until if {
	every case in cases {
		open_at(case.from, case.until) == case.want
	}
}

test_a_now_that_is_no_time_is_outside_every_window if {
	not lib.within(now - 10, null, null)
	not lib.within(now - 10, null, "now")
}
