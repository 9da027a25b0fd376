{#-
    Reconciliation: per month and service, rpt_invoice_monthly's billable units
    and billable customers equal the attended appointments (therapy, group,
    assessment, triage) and iCBT modules started of the billable customers in
    fct_customer_monthly_activity, and the same for the findings columns.
    Returns one row per month and service that disagrees.
-#}
{{ config(severity='error', tags=['invoicing', 'reconciliation']) }}

with

billable as (

    select *
    from {{ ref('fct_customer_monthly_activity') }}
    where is_billable

),

expected_by_service as (

    select activity_month, 'therapy' as service, customer_id, therapy_sessions_attended as units, has_open_findings
    from billable
    where therapy_sessions_attended > 0

    union all

    select activity_month, 'group_therapy' as service, customer_id, group_sessions_attended as units, has_open_findings
    from billable
    where group_sessions_attended > 0

    union all

    select activity_month, 'assessment' as service, customer_id, assessments_attended as units, has_open_findings
    from billable
    where assessments_attended > 0

    union all

    select activity_month, 'triage' as service, customer_id, triage_calls_attended as units, has_open_findings
    from billable
    where triage_calls_attended > 0

    union all

    select activity_month, 'icbt' as service, customer_id, icbt_modules_started as units, has_open_findings
    from billable
    where has_icbt_activity

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
        on
            expected.activity_month = reported.activity_month
            and expected.service = reported.service

),

totals as (

    -- the grand total too: every attended appointment and iCBT start of a billable customer is invoiced once
    select
        cast(null as date) as activity_month,
        'all services' as service,
        cast(null as integer) as expected_customers,
        cast(null as integer) as reported_customers,
        (select coalesce(sum(attended_appointments + icbt_modules_started), 0) from billable) as expected_units,
        (select coalesce(sum(billable_units), 0) from {{ ref('rpt_invoice_monthly') }}) as reported_units,
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
