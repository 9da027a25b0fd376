-- The column tests (not_null, unique, accepted_values) of the staging models, as one query
-- (macros/structure/structure_checks.sql): the nightly selector runs this instead of them.
{{ config(store_failures=true) }}

-- depends_on: {{ ref('stg_icbt__module_activities') }}
-- depends_on: {{ ref('stg_juvonno__appointments') }}
-- depends_on: {{ ref('stg_juvonno__customer_groups') }}
-- depends_on: {{ ref('stg_juvonno__customers') }}
-- depends_on: {{ ref('stg_juvonno__encounters') }}
-- depends_on: {{ ref('stg_juvonno__staff') }}

{{ structure_checks() }}
