package avhopp.lib

import rego.v1

# Times are Unix microseconds (integers) in the input: the policies use no time
# built-ins, so a decision is a pure function of its input and can be cached.

# METADATA
# title: Within a validity window
# description: >-
#   valid_from <= now, and until is null (open-ended) or now < until. The end
#   is exclusive: a consent that ends at T no longer covers a read at T.
#   Anything but a number where a time belongs fails closed (Rego orders null
#   and strings against numbers, which would otherwise open the window).
within(valid_from, until, now) if {
	is_number(now)
	is_number(valid_from)
	valid_from <= now
	until == null
}

within(valid_from, until, now) if {
	is_number(now)
	is_number(valid_from)
	is_number(until)
	valid_from <= now
	now < until
}
