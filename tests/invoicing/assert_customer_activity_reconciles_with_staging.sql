{#-
    Reconciliation one step upstream: per month, fct_customer_monthly_activity
    holds exactly the attended and missed appointments of the invoiced services
    (schedule_types.is_invoiced) and iCBT starts and completions of staging, dated on or
    before the as-of date, for customers that exist and are not deleted.
    Returns one row per month that disagrees.
-#}
{{ config(severity='error', tags=['invoicing', 'reconciliation']) }}

with

customers as (

    select customer_id
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

invoiced_services as (

    select distinct service
    from {{ ref('schedule_types') }}
    where is_invoiced

),

appointments as (

    select
        cast({{ dbt.date_trunc('month', 'appointments.start_date') }} as date) as activity_month,
        sum(case when appointments.status_class = 'attended' then 1 else 0 end) as attended,
        sum(case when appointments.status_class = 'missed' then 1 else 0 end) as missed
    from {{ ref('stg_juvonno__appointments') }} as appointments
    inner join customers
        on appointments.customer_id = customers.customer_id
    inner join invoiced_services
        on appointments.service = invoiced_services.service
    where appointments.start_date <= {{ as_of_date() }}
    group by cast({{ dbt.date_trunc('month', 'appointments.start_date') }} as date)

),

icbt_started as (

    select
        cast({{ dbt.date_trunc('month', 'modules.started_date') }} as date) as activity_month,
        count(*) as started
    from {{ ref('stg_icbt__module_activities') }} as modules
    inner join customers
        on modules.customer_id = customers.customer_id
    where modules.started_date <= {{ as_of_date() }}
    group by cast({{ dbt.date_trunc('month', 'modules.started_date') }} as date)

),

icbt_completed as (

    select
        cast({{ dbt.date_trunc('month', 'modules.completed_date') }} as date) as activity_month,
        count(*) as completed
    from {{ ref('stg_icbt__module_activities') }} as modules
    inner join customers
        on modules.customer_id = customers.customer_id
    where modules.completed_date <= {{ as_of_date() }}
    group by cast({{ dbt.date_trunc('month', 'modules.completed_date') }} as date)

),

staged_months as (

    select activity_month from appointments
    union
    select activity_month from icbt_started
    union
    select activity_month from icbt_completed

),

staged as (

    select
        staged_months.activity_month,
        coalesce(appointments.attended, 0) as attended,
        coalesce(appointments.missed, 0) as missed,
        coalesce(icbt_started.started, 0) as icbt_started,
        coalesce(icbt_completed.completed, 0) as icbt_completed
    from staged_months
    left join appointments on staged_months.activity_month = appointments.activity_month
    left join icbt_started on staged_months.activity_month = icbt_started.activity_month
    left join icbt_completed on staged_months.activity_month = icbt_completed.activity_month

),

modelled as (

    select
        activity_month,
        sum(attended_appointments) as attended,
        sum(missed_appointments) as missed,
        sum(icbt_modules_started) as icbt_started,
        sum(icbt_modules_completed) as icbt_completed
    from {{ ref('fct_customer_monthly_activity') }}
    group by activity_month

)

select
    coalesce(staged.activity_month, modelled.activity_month) as activity_month,
    staged.attended as staged_attended,
    modelled.attended as modelled_attended,
    staged.missed as staged_missed,
    modelled.missed as modelled_missed,
    staged.icbt_started as staged_icbt_started,
    modelled.icbt_started as modelled_icbt_started,
    staged.icbt_completed as staged_icbt_completed,
    modelled.icbt_completed as modelled_icbt_completed
from staged
full outer join modelled
    on staged.activity_month = modelled.activity_month
where
    coalesce(staged.attended, 0) <> coalesce(modelled.attended, 0)
    or coalesce(staged.missed, 0) <> coalesce(modelled.missed, 0)
    or coalesce(staged.icbt_started, 0) <> coalesce(modelled.icbt_started, 0)
    or coalesce(staged.icbt_completed, 0) <> coalesce(modelled.icbt_completed, 0)
