package avhopp.access

import rego.v1

# METADATA
# title: Readable input
# description: >-
#   The input has the shape policies/README.md gives it wherever the rules
#   iterate: the requested categories and the five lists of what may open a
#   category are lists (empty, never absent), and so are the categories of
#   each consent, disclosure decision, legal basis and break-glass grant and
#   each consent's recipients and purposes. An input that is not has no
#   decision at all, so everything is withheld: nothing is decided on an input
#   the rules could read only in part, whichever engine reads it.
readable_input if {
	is_array(input.categories)
	is_array(input.consents)
	is_array(input.disclosure_decisions)
	is_array(input.team)
	is_array(input.legal_bases)
	is_array(input.break_glass)
	every consent in input.consents {
		is_array(consent.recipients)
		is_array(consent.categories)
		is_array(consent.purposes)
	}
	every recorded in input.disclosure_decisions {
		is_array(recorded.categories)
	}
	every recorded in input.legal_bases {
		is_array(recorded.categories)
	}
	every grant in input.break_glass {
		is_array(grant.categories)
	}
}
