{#-
    One row per customer and calendar month with any activity, up to the as-of
    month. Activity is dated on or before the as-of date D (events after D are
    ignored, as in sop-rules.md). Deleted customers and rows whose customer_id
    is not in customers (orphans) are left out. See _invoicing__models.yml.
-#}

{%- set appointment_services = ['therapy', 'group_therapy', 'assessment', 'triage'] -%}

with

customers as (

    select
        customer_id,
        status as customer_status
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

audit as (

    select
        customer_id,
        group_names,
        is_test_like
    from {{ ref('patient_group_audit') }}

),

excluded_groups as (

    select
        lower(trim(group_name)) as group_key
    from {{ ref('invoice_excluded_groups') }}

),

excluded_customers as (

    select distinct
        customer_groups.customer_id
    from {{ ref('stg_juvonno__customer_groups') }} as customer_groups
    inner join excluded_groups
        on lower(trim(customer_groups.group_name)) = excluded_groups.group_key

),

findings as (

    select
        customer_id,
        cast(count(*) as integer) as open_findings
    from {{ ref('sop_violations') }}
    group by customer_id

),

appointments as (

    select
        customer_id,
        service,
        status_class,
        cast({{ dbt.date_trunc('month', 'start_date') }} as date) as activity_month
    from {{ ref('stg_juvonno__appointments') }}
    where
        start_date <= {{ as_of_date() }}
        and status_class in ('attended', 'missed')
        and service in ('{{ appointment_services | join("', '") }}')

),

appointment_months as (

    select
        customer_id,
        activity_month,
        cast(sum(case when status_class = 'attended' and service = 'therapy' then 1 else 0 end) as integer) as therapy_sessions_attended,
        cast(sum(case when status_class = 'attended' and service = 'group_therapy' then 1 else 0 end) as integer) as group_sessions_attended,
        cast(sum(case when status_class = 'attended' and service = 'assessment' then 1 else 0 end) as integer) as assessments_attended,
        cast(sum(case when status_class = 'attended' and service = 'triage' then 1 else 0 end) as integer) as triage_calls_attended,
        cast(sum(case when status_class = 'missed' and service = 'therapy' then 1 else 0 end) as integer) as missed_therapy_sessions,
        cast(sum(case when status_class = 'missed' and service = 'group_therapy' then 1 else 0 end) as integer) as missed_group_sessions,
        cast(sum(case when status_class = 'missed' and service = 'assessment' then 1 else 0 end) as integer) as missed_assessments,
        cast(sum(case when status_class = 'missed' and service = 'triage' then 1 else 0 end) as integer) as missed_triage_calls
    from appointments
    group by
        customer_id,
        activity_month

),

icbt_modules as (

    select
        customer_id,
        started_date,
        completed_date,
        last_activity_date
    from {{ ref('stg_icbt__module_activities') }}

),

icbt_events as (

    select
        customer_id,
        'started' as icbt_event,
        started_date as event_date
    from icbt_modules

    union all

    select
        customer_id,
        'completed' as icbt_event,
        completed_date as event_date
    from icbt_modules

    union all

    select
        customer_id,
        'last_activity' as icbt_event,
        last_activity_date as event_date
    from icbt_modules

),

icbt_months as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as activity_month,
        cast(sum(case when icbt_event = 'started' then 1 else 0 end) as integer) as icbt_modules_started,
        cast(sum(case when icbt_event = 'completed' then 1 else 0 end) as integer) as icbt_modules_completed
    from icbt_events
    where
        event_date is not null
        and event_date <= {{ as_of_date() }}
    group by
        customer_id,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date)

),

customer_months as (

    select
        customer_id,
        activity_month
    from appointment_months

    union

    select
        customer_id,
        activity_month
    from icbt_months

),

activity as (

    select
        customer_months.customer_id,
        customer_months.activity_month,
        customers.customer_status,
        coalesce(appointment_months.therapy_sessions_attended, 0) as therapy_sessions_attended,
        coalesce(appointment_months.group_sessions_attended, 0) as group_sessions_attended,
        coalesce(appointment_months.assessments_attended, 0) as assessments_attended,
        coalesce(appointment_months.triage_calls_attended, 0) as triage_calls_attended,
        coalesce(appointment_months.missed_therapy_sessions, 0) as missed_therapy_sessions,
        coalesce(appointment_months.missed_group_sessions, 0) as missed_group_sessions,
        coalesce(appointment_months.missed_assessments, 0) as missed_assessments,
        coalesce(appointment_months.missed_triage_calls, 0) as missed_triage_calls,
        coalesce(icbt_months.icbt_modules_started, 0) as icbt_modules_started,
        coalesce(icbt_months.icbt_modules_completed, 0) as icbt_modules_completed,
        icbt_months.customer_id is not null as has_icbt_activity
    from customer_months
    inner join customers
        on customer_months.customer_id = customers.customer_id
    left join appointment_months
        on
            customer_months.customer_id = appointment_months.customer_id
            and customer_months.activity_month = appointment_months.activity_month
    left join icbt_months
        on
            customer_months.customer_id = icbt_months.customer_id
            and customer_months.activity_month = icbt_months.activity_month
    where customer_months.activity_month <= cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

),

totals as (

    select
        *,
        therapy_sessions_attended
        + group_sessions_attended
        + assessments_attended
        + triage_calls_attended as attended_appointments,
        missed_therapy_sessions
        + missed_group_sessions
        + missed_assessments
        + missed_triage_calls as missed_appointments
    from activity

),

flagged as (

    select
        totals.*,
        (totals.attended_appointments > 0 or totals.has_icbt_activity) as engaged_in_month,
        audit.group_names,
        audit.is_test_like,
        excluded_customers.customer_id is not null as is_in_excluded_group,
        coalesce(findings.open_findings, 0) as open_findings
    from totals
    inner join audit
        on totals.customer_id = audit.customer_id
    left join excluded_customers
        on totals.customer_id = excluded_customers.customer_id
    left join findings
        on totals.customer_id = findings.customer_id

),

final as (

    select
        customer_id,
        activity_month,
        {{ as_of_date() }} as as_of_date,
        activity_month = cast({{ dbt.date_trunc('month', as_of_date()) }} as date) as is_as_of_month,
        therapy_sessions_attended,
        group_sessions_attended,
        assessments_attended,
        triage_calls_attended,
        attended_appointments,
        missed_therapy_sessions,
        missed_group_sessions,
        missed_assessments,
        missed_triage_calls,
        missed_appointments,
        icbt_modules_started,
        icbt_modules_completed,
        has_icbt_activity,
        engaged_in_month,
        group_names,
        customer_status,
        is_test_like,
        is_in_excluded_group,
        (engaged_in_month and not is_test_like and not is_in_excluded_group) as is_billable,
        open_findings > 0 as has_open_findings,
        open_findings
    from flagged

)

select * from final
