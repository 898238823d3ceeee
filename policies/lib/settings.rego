package avhopp.lib

import rego.v1

# The files of policies/data/ are mounted at data.avhopp.settings (each file's
# top-level keys merged there). Not at data.avhopp itself: data.avhopp.actions
# would then be both the action list and the package avhopp.actions, and OPA
# reports a rule that reads its own package's document as recursive.

# METADATA
# title: Matrix cells
# description: >-
#   The cell values of the baseline matrix in ACCESS.md ("Baseline matrix
#   (read access)"): own, consent, decided, team, none; and own_or_consent,
#   the agency's own records always and another agency's under a consent
#   (social services' case_ref and followup: police inform social services of
#   a relapse, seed 002 "Uppföljning", which the baseline's bare "own" would
#   withhold).
cells := {"own", "own_or_consent", "consent", "decided", "team", "none"}

# METADATA
# title: Cells a legal basis or break-glass can open
# description: >-
#   ACCESS.md, "Consent records": exchanges without consent only on a recorded
#   legal basis (e.g. 10 kap. 18 a § OSL) or by break-glass. Never for a "none"
#   cell, where no agency has any basis, and "own" needs no basis at all
#   (nor does own_or_consent for the owner; another agency's records in it
#   open like a consent cell's).
openable_cells := {"own_or_consent", "consent", "decided", "team"}

# METADATA
# title: Matrix column
# description: >-
#   The agency's column of the baseline matrix, {category: cell}. A category
#   the matrix does not name for the agency, or a value it does not know, is
#   left out, and a category left out is "none": everything not allowed is
#   denied. Built once per decision: a lookup in a nested data document costs
#   far more than one in a flat object.
column(agency) := {category: value |
	some category, row in data.avhopp.settings.matrix
	value := row[agency]
	value in cells
}

# METADATA
# title: Matrix cell
# description: The cell for (category, agency); "none" when the matrix names neither.
cell(category, agency) := object.get(column(agency), category, "none")

# METADATA
# title: Action
# description: The entry of policies/data/actions.json for an action name.
action(name) := data.avhopp.settings.actions[name]
