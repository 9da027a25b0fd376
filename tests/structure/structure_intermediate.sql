-- The column tests (not_null, unique, accepted_values) of the intermediate models, as one query
-- (macros/structure/structure_checks.sql): the nightly selector runs this instead of them.
{{ config(store_failures=true) }}

-- depends_on: {{ ref('int_account_flags') }}
-- depends_on: {{ ref('int_appointment_facts') }}
-- depends_on: {{ ref('int_customer_engagement') }}
-- depends_on: {{ ref('int_customer_entered_group') }}
-- depends_on: {{ ref('int_customer_facts') }}
-- depends_on: {{ ref('int_customer_group_memberships') }}
-- depends_on: {{ ref('int_customer_group_sets') }}
-- depends_on: {{ ref('int_customer_groups') }}
-- depends_on: {{ ref('int_customer_owners') }}
-- depends_on: {{ ref('int_customers_not_deleted') }}
-- depends_on: {{ ref('int_encounter_facts') }}
-- depends_on: {{ ref('int_icbt_facts') }}

{{ structure_checks() }}
