package avhopp.lib_test.settings

import rego.v1

import data.avhopp.lib

agencies := {"police", "social", "provider", "probation", "sis"}

# ACCESS.md, "Data categories": every field belongs to one of these.
categories := {
	"case_ref", "identity", "contact", "protected_location", "application", "threat",
	"placement", "protective_measures", "criminal_history", "health", "investigation",
	"decisions", "decision_summary", "action_plan", "interventions", "finances", "family",
	"followup",
}

# Parts of those categories, each with a row of its own (policies/README.md):
# police's followup cell is "consent (status, relapse)" in ACCESS.md.
parts := {"followup_detail": "followup"}

test_the_matrix_names_every_category_of_access_md_and_its_parts if {
	{category | some category, _ in data.avhopp.settings.matrix} == categories | {part | some part, _ in parts}
	data.avhopp.settings.parts == parts
}

test_every_part_belongs_to_a_category_of_access_md_and_is_not_one_itself if {
	every part, whole in data.avhopp.settings.parts {
		whole in categories
		not part in categories
	}
}

# A part's row is its whole's row with some cells closed: it can only narrow.
test_a_part_only_narrows_the_row_of_its_whole if {
	matrix := data.avhopp.settings.matrix
	every part, whole in data.avhopp.settings.parts {
		every agency, cell in matrix[part] {
			cell in {matrix[whole][agency], "none"}
		}
	}
}

test_police_follow_up_is_status_and_relapse_and_every_other_cell_is_followup if {
	lib.cell("followup_detail", "police") == "none"
	every agency in agencies - {"police"} {
		lib.cell("followup_detail", agency) == lib.cell("followup", agency)
	}
}

test_every_matrix_row_has_a_known_cell_for_every_agency if {
	every _, row in data.avhopp.settings.matrix {
		{agency | some agency, _ in row} == agencies
		every _, cell in row {
			cell in lib.cells
		}
	}
}

test_probation_and_sis_share_a_column if {
	every _, row in data.avhopp.settings.matrix {
		row.probation == row.sis
	}
}

test_the_matrix_keeps_the_access_md_exceptions if {
	lib.cell("protected_location", "police") == "team"
	lib.cell("protected_location", "social") == "team"
	lib.cell("protected_location", "provider") == "decided"
	lib.cell("followup", "police") == "consent"
	lib.cell("health", "police") == "none"
}

test_every_action_lists_known_agencies_and_a_boolean_flag if {
	every _, action in data.avhopp.settings.actions {
		count(action.agencies) > 0
		every agency in action.agencies {
			agency in agencies
		}
		is_boolean(action.same_organisation)
	}
}

test_a_missing_category_agency_or_unknown_cell_is_none if {
	lib.cell("shoe_size", "police") == "none"
	lib.cell("case_ref", "customs") == "none"
	lib.cell("case_ref", "police") == "none" with data.avhopp.settings.matrix as {"case_ref": {"police": "maybe"}}
}

test_an_unknown_action_is_undefined if {
	not lib.action("case.delete")
}
