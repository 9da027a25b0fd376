-- The column tests (not_null, unique, accepted_values) of the invoicing marts, as one query
-- (macros/structure/structure_checks.sql): the nightly selector runs this instead of them.
{{ config(store_failures=true) }}

-- depends_on: {{ ref('fct_customer_monthly_activity') }}
-- depends_on: {{ ref('rpt_invoice_monthly') }}

{{ structure_checks() }}
