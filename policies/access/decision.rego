package avhopp.access

import rego.v1

import data.avhopp.lib

# The rules of this package are written for the in-process engine (regorus,
# interpreted and compiled) without changing what they decide: each is a
# complete object built by one comprehension (a partial rule costs about twice
# as much), a rule's value is bound to a local before a loop reads it (a lookup
# into a rule from inside a loop costs many times one into a local), and the
# loops run over what can open a category (a consent's categories, say)
# rather than over every requested category. shared/tests/test_policy_compiled.py
# holds the two engines to the same decisions.

# METADATA
# title: Disclosure decision
# description: >-
#   Every requested category is either allowed, with the rule and basis that
#   opened it, or withheld with the gap that closed it (policies/README.md).
#   Everything not allowed is denied; an input that is not readable has no
#   decision.
decision := {"allowed": allowed, "withheld": withheld} if readable_input

# METADATA
# title: Matrix column of the caller
# description: >-
#   The caller's agency's column of the matrix, {category: cell}, with only
#   the cells the matrix knows; undefined without a caller.
column := lib.column(input.caller.agency)

# METADATA
# title: Requested cells
# description: >-
#   The caller's matrix cell for each requested category ("none" where the
#   matrix names none), looked up once per decision for every rule to share:
#   one lookup per requested category rather than a pass over the whole
#   matrix. A value the matrix does not know is kept as it is, and every rule
#   treats it as "none": each opens only on the one cell it names, the owner
#   reads it as it reads a "none" cell, and its reason is that of "none".
requested_cells := {category: object.get(matrix, [category, agency], "none") |
	matrix := data.avhopp.settings.matrix
	agency := input.caller.agency
	some category in input.categories
}

# METADATA
# title: Requested categories by the name a grant lists
# description: >-
#   Consents, legal bases, break-glass grants and disclosure decisions list
#   ACCESS.md's categories. A part of one (data.avhopp.settings.parts: a row
#   of the matrix for the fields of a category that some agency's cell opens
#   only in part, as followup_detail of followup) is covered by whatever
#   lists its whole, and by nothing else: the person consents to "followup"
#   as ACCESS.md names it, and the part's row only narrows who reads which of
#   its fields. Keyed by a name a grant may list, the requested categories
#   that name covers; looked up once per decision like requested_cells.
requested_by_name := object.union(
	{category: {category} |
		parts := object.get(data.avhopp.settings, "parts", {})
		some category, _ in requested_cells
		not parts[category]
	},
	# Only a whole with a part requested needs more than itself; built from
	# those few alone (a pass over every requested category per name doubled a
	# decision's cost). The whole is kept only if it is requested too, found by
	# iterating: a lookup of a whole that is not requested is undefined, and the
	# compiled program then dropped the whole's entry, so a part requested
	# without its whole was covered by nothing (policies/README.md, "Parts of a
	# category").
	{whole: covered |
		cells := requested_cells
		requested := requested_parts
		some _, whole in requested
		parts_of_whole := {part | some part, of in requested; of == whole}
		itself := {category | some category, _ in cells; category == whole}
		covered := parts_of_whole | itself
	},
)

# The requested categories that are parts of another, {part: whole}.
requested_parts := {part: whole |
	cells := requested_cells
	some part, whole in object.get(data.avhopp.settings, "parts", {})
	cells[part]
}

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
opened := object.union_n([
	break_glass_grants,
	legal_basis_grants,
	consent_grants,
	decided_grants,
	team_grants,
	own_grants,
])

# At a high threat level only the team or break-glass opens protected_location
# (threat_level.rego): both maps are empty otherwise.
allowed := object.union(object.remove(opened, narrowed_away), narrowed_grants)

# METADATA
# title: Withheld categories
# description: >-
#   The reason names the gap of the category's cell; for "decided", a missing
#   disclosure decision is named before a missing consent, as it is the first
#   step a provider lacks.
withheld := object.union_n([
	{category: object.get(gaps, cell, closed) |
		granted := allowed
		gaps := cell_gaps
		closed := sprintf("not permitted for %s", [input.caller.agency])
		some category, cell in requested_cells
		not granted[category]
	},
	{category: "no consent" |
		granted := allowed
		some category in consent_lacking
		not granted[category]
	},
	{category: reason |
		granted := allowed
		some category, reason in narrowed_reasons
		not granted[category]
	},
])

cell_gaps := {
	"own": "not the owner",
	"own_or_consent": "no consent",
	"consent": "no consent",
	"decided": "no disclosure decision",
	"team": "not on the case team",
}

# A provider holding a disclosure decision for a "decided" cell lacks only the consent.
consent_lacking := board_decided
