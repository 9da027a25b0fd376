-- The column tests (not_null, unique, accepted_values) of the invoicing models, as one query
-- (macros/structure/structure_checks.sql): the nightly selector runs this instead of them.
{# in the invoicing group: int_customer_monthly_service_activity is private to it #}
{{ config(store_failures=true, group='invoicing') }}

-- depends_on: {{ ref('fct_customer_monthly_activity') }}
-- depends_on: {{ ref('int_customer_monthly_service_activity') }}
-- depends_on: {{ ref('rpt_invoice_monthly') }}

{{ structure_checks() }}
