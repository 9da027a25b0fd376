-- The column tests (not_null, unique, accepted_values) of the SOP marts, as one query
-- (macros/structure/structure_checks.sql): the nightly selector runs this instead of them.
{{ config(store_failures=true) }}

-- depends_on: {{ ref('patient_group_audit') }}
-- depends_on: {{ ref('sop_findings') }}
-- depends_on: {{ ref('sop_findings_history') }}
-- depends_on: {{ ref('sop_rule_populations') }}
-- depends_on: {{ ref('sop_violations') }}

{{ structure_checks() }}
