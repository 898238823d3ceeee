package avhopp.access

import rego.v1

import data.avhopp.lib

# METADATA
# title: Disclosure decision
# description: >-
#   Every requested category is either allowed, with the rule and basis that
#   opened it, or withheld with the gap that closed it (policies/README.md).
#   Everything not allowed is denied.
decision := {"allowed": allowed, "withheld": withheld}

# METADATA
# title: Requested cells
# description: >-
#   The caller's matrix cell for each requested category ("none" where the
#   matrix names none), looked up once per decision for every rule to share.
requested_cells := {category: object.get(column, category, "none") |
	some category in input.categories
}

column := lib.column(input.caller.agency)

# METADATA
# title: Allowed categories
# description: >-
#   A legal basis or break-glass grant is recorded only where the cell's own
#   rule does not open the category, so a consent is the basis whenever one
#   exists; a legal basis comes before break-glass, the last resort. In
#   object.union_n a later object wins, and as every grant has the same two
#   keys, a later grant replaces an earlier one whole. The consent, decided
#   and team rules never overlap (each needs its own cell); the owner's grant
#   comes last, so an owner's read is recorded as "own" even where a consent
#   would also have opened it.
allowed := object.union_n([
	break_glass_grants,
	legal_basis_grants,
	consent_grants,
	decided_grants,
	team_grants,
	own_grants,
])

# METADATA
# title: Withheld categories
# description: >-
#   The reason names the gap of the category's cell; for "decided", a missing
#   disclosure decision is named before a missing consent, as it is the first
#   step a provider lacks.
withheld[category] := withheld_reason(category, cell) if {
	some category, cell in requested_cells
	not allowed[category]
}

withheld_reason(_, "own") := "not the owner"

withheld_reason(_, "consent") := "no consent"

withheld_reason(category, "decided") := "no consent" if {
	decision_basis[category]
} else := "no disclosure decision"

withheld_reason(_, "team") := "not on the case team"

withheld_reason(_, "none") := sprintf("not permitted for %s", [input.caller.agency])
