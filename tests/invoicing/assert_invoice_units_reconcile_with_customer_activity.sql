{#-
    Reconciliation: per month and service, rpt_invoice_monthly's billable units
    and billable customers equal the units (attended sessions, iCBT modules
    started) of int_customer_monthly_service_activity for the customers
    fct_customer_monthly_activity calls billable, and the same for the findings
    columns; and the grand total equals the fact's attended appointments and
    iCBT starts of its billable customers. Returns each disagreement.
-#}
{{ config(severity='error', tags=['invoicing', 'reconciliation']) }}

with

billable as (

    select *
    from {{ ref('fct_customer_monthly_activity') }}
    where is_billable

),

expected_by_service as (

    {#- the long model's rows of the fact's billable customers, engaged in the service -#}
    select
        service_activity.activity_month,
        service_activity.service,
        service_activity.customer_id,
        service_activity.units,
        billable.has_open_findings
    from {{ ref('int_customer_monthly_service_activity') }} as service_activity
    inner join billable
        on service_activity.customer_id = billable.customer_id
        and service_activity.activity_month = billable.activity_month
    where service_activity.is_service_engaged

),

expected as (

    select
        activity_month,
        service,
        count(distinct customer_id) as billable_customers,
        sum(units) as billable_units,
        count(distinct case when has_open_findings then customer_id end) as billable_customers_with_findings,
        sum(case when has_open_findings then units else 0 end) as billable_units_with_findings
    from expected_by_service
    group by
        activity_month,
        service

),

reported as (

    select
        invoice_month as activity_month,
        service,
        billable_customers,
        billable_units,
        billable_customers_with_findings,
        billable_units_with_findings
    from {{ ref('rpt_invoice_monthly') }}
    where billable_customers > 0 or billable_units > 0

),

compared as (

    select
        coalesce(expected.activity_month, reported.activity_month) as activity_month,
        coalesce(expected.service, reported.service) as service,
        expected.billable_customers as expected_customers,
        reported.billable_customers as reported_customers,
        expected.billable_units as expected_units,
        reported.billable_units as reported_units,
        expected.billable_customers_with_findings as expected_customers_with_findings,
        reported.billable_customers_with_findings as reported_customers_with_findings,
        expected.billable_units_with_findings as expected_units_with_findings,
        reported.billable_units_with_findings as reported_units_with_findings
    from expected
    full outer join reported
        on expected.activity_month = reported.activity_month
        and expected.service = reported.service

),

totals as (

    -- the grand total too: every attended appointment and iCBT start of a billable customer is invoiced once
    select
        cast(null as date) as activity_month,
        'all services' as service,
        cast(null as integer) as expected_customers,
        cast(null as integer) as reported_customers,
        (
            select coalesce(sum(attended_appointments + icbt_modules_started), 0) as units
            from billable
        ) as expected_units,
        (select coalesce(sum(billable_units), 0) as units from {{ ref('rpt_invoice_monthly') }}) as reported_units,
        cast(null as integer) as expected_customers_with_findings,
        cast(null as integer) as reported_customers_with_findings,
        cast(null as integer) as expected_units_with_findings,
        cast(null as integer) as reported_units_with_findings

)

select *
from compared
where
    coalesce(expected_customers, -1) <> coalesce(reported_customers, -1)
    or coalesce(expected_units, -1) <> coalesce(reported_units, -1)
    or coalesce(expected_customers_with_findings, -1) <> coalesce(reported_customers_with_findings, -1)
    or coalesce(expected_units_with_findings, -1) <> coalesce(reported_units_with_findings, -1)

union all

select *
from totals
where expected_units <> reported_units
