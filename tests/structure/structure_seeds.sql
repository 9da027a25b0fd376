-- The column tests (not_null, unique, accepted_values) of the seeds, as one query
-- (macros/structure/structure_checks.sql): the nightly selector runs this instead of them.
{{ config(store_failures=true) }}

-- depends_on: {{ ref('account_patterns') }}
-- depends_on: {{ ref('encounter_templates') }}
-- depends_on: {{ ref('invoice_excluded_groups') }}
-- depends_on: {{ ref('patient_groups') }}
-- depends_on: {{ ref('schedule_types') }}
-- depends_on: {{ ref('sop_rules') }}

{{ structure_checks() }}
