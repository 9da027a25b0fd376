{#-
    The monthly invoice: one row per month and service that has activity among
    invoiceable accounts (not test_like, not in an excluded group). No row is
    invented for a month or service without activity. Units are attended
    sessions for the appointment services and iCBT modules started for icbt.
-#}

with

activity as (

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        therapy_sessions_attended,
        group_sessions_attended,
        assessments_attended,
        triage_calls_attended,
        missed_therapy_sessions,
        missed_group_sessions,
        missed_assessments,
        missed_triage_calls,
        icbt_modules_started,
        has_icbt_activity,
        is_billable,
        has_open_findings
    from {{ ref('fct_customer_monthly_activity') }}
    where
        not is_test_like
        and not is_in_excluded_group

),

service_activity as (

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings,
        'therapy' as service,
        therapy_sessions_attended as units,
        missed_therapy_sessions as missed_sessions,
        therapy_sessions_attended > 0 as is_service_engaged
    from activity

    union all

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings,
        'group_therapy' as service,
        group_sessions_attended as units,
        missed_group_sessions as missed_sessions,
        group_sessions_attended > 0 as is_service_engaged
    from activity

    union all

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings,
        'assessment' as service,
        assessments_attended as units,
        missed_assessments as missed_sessions,
        assessments_attended > 0 as is_service_engaged
    from activity

    union all

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings,
        'triage' as service,
        triage_calls_attended as units,
        missed_triage_calls as missed_sessions,
        triage_calls_attended > 0 as is_service_engaged
    from activity

    union all

    select
        customer_id,
        activity_month,
        as_of_date,
        is_as_of_month,
        is_billable,
        has_open_findings,
        'icbt' as service,
        icbt_modules_started as units,
        cast(null as integer) as missed_sessions,
        has_icbt_activity as is_service_engaged
    from activity

),

with_activity as (

    select *
    from service_activity
    where
        is_service_engaged
        or missed_sessions > 0

),

billable as (

    select
        *,
        (is_billable and is_service_engaged) as is_billable_in_service
    from with_activity

),

monthly as (

    select
        activity_month as invoice_month,
        service,
        as_of_date,
        is_as_of_month,
        cast(count(distinct case when is_billable_in_service then customer_id end) as integer) as billable_customers,
        cast(sum(case when is_billable_in_service then units else 0 end) as integer) as billable_units,
        cast(sum(missed_sessions) as integer) as missed_sessions,
        cast(count(distinct case when is_billable_in_service and has_open_findings then customer_id end) as integer)
            as billable_customers_with_findings,
        cast(sum(case when is_billable_in_service and has_open_findings then units else 0 end) as integer)
            as billable_units_with_findings
    from billable
    group by
        activity_month,
        service,
        as_of_date,
        is_as_of_month

),

final as (

    select
        invoice_month,
        service,
        as_of_date,
        is_as_of_month,
        billable_customers,
        billable_units,
        missed_sessions,
        billable_customers_with_findings,
        billable_units_with_findings
    from monthly

)

select * from final
