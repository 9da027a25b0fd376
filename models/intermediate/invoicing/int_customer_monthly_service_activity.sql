{#-
    The invoicing activity in long format: one row per customer, calendar month
    and service with activity, up to the as-of month. The appointment services
    are those the schedule_types seed marks is_invoiced (attended or missed
    sessions dated on or before D); `icbt` is the iCBT platform's modules
    (started, completed or last active in the month, on or before D). Deleted
    customers and orphan rows are left out. fct_customer_monthly_activity pivots
    it per customer and month, rpt_invoice_monthly sums it per month and service.
-#}

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
        appointments.customer_id,
        appointments.service,
        appointments.status_class,
        cast({{ dbt.date_trunc('month', 'appointments.start_date') }} as date) as activity_month
    from {{ ref('stg_juvonno__appointments') }} as appointments
    inner join invoiced_services
        on appointments.service = invoiced_services.service
    where
        appointments.start_date <= {{ as_of_date() }}
        and appointments.status_class in ('attended', 'missed')

),

appointment_activity as (

    select
        customer_id,
        activity_month,
        service,
        cast(sum(case when status_class = 'attended' then 1 else 0 end) as integer) as attended_sessions,
        cast(sum(case when status_class = 'missed' then 1 else 0 end) as integer) as missed_sessions,
        0 as modules_started,
        0 as modules_completed,
        false as has_icbt_activity
    from appointments
    group by
        customer_id,
        activity_month,
        service

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

icbt_dated as (

    select
        customer_id,
        icbt_event,
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as activity_month
    from icbt_events
    where
        event_date is not null
        and event_date <= {{ as_of_date() }}

),

icbt_activity as (

    {#- iCBT has no booked sessions: missed_sessions is NULL, not 0. -#}
    select
        customer_id,
        activity_month,
        'icbt' as service,
        0 as attended_sessions,
        cast(null as integer) as missed_sessions,
        cast(sum(case when icbt_event = 'started' then 1 else 0 end) as integer) as modules_started,
        cast(sum(case when icbt_event = 'completed' then 1 else 0 end) as integer) as modules_completed,
        true as has_icbt_activity
    from icbt_dated
    group by
        customer_id,
        activity_month

),

service_activity as (

    select * from appointment_activity
    union all
    select * from icbt_activity

),

final as (

    select
        service_activity.customer_id,
        service_activity.activity_month,
        service_activity.service,
        cast(service_activity.attended_sessions as integer) as attended_sessions,
        service_activity.missed_sessions,
        cast(service_activity.modules_started as integer) as modules_started,
        cast(service_activity.modules_completed as integer) as modules_completed,
        {#- the invoice unit: an attended session, or an iCBT module started -#}
        cast(service_activity.attended_sessions + service_activity.modules_started as integer) as units,
        (service_activity.attended_sessions > 0 or service_activity.has_icbt_activity) as is_service_engaged
    from service_activity
    inner join customers
        on service_activity.customer_id = customers.customer_id
    where service_activity.activity_month <= cast({{ dbt.date_trunc('month', as_of_date()) }} as date)

)

select * from final
