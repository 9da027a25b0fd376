with

source as (

    select * from {{ source('juvonno', 'appointments') }}

),

schedule_types as (

    select * from {{ ref('schedule_types') }}

),

renamed as (

    select

        ----------  ids
        source.id as appointment_id,
        source.customer_id,
        source.schedule_type_id,
        source.staff_id,
        source.branch_code,

        ----------  dates (wall-clock date as written; offsets ignored)
        {{ wall_clock_date('source.start') }} as start_date,
        {{ wall_clock_date('source.created') }} as created_date,
        coalesce(
            {{ wall_clock_date('source.created') }},
            {{ wall_clock_date('source.start') }}
        ) as offered_date,
        source.duration as duration_minutes,

        ----------  status in the contract's casing, and its class
        case lower(trim(source.status))
            when 'arrived' then 'Arrived'
            when 'completed' then 'Completed'
            when 'billed' then 'Billed'
            when 'paid' then 'Paid'
            when 'no show' then 'No Show'
            when 'late cancel' then 'Late Cancel'
            when 'pending' then 'Pending'
            when 'confirmed' then 'Confirmed'
            when 'cancelled' then 'Cancelled'
            when 'dismissed' then 'Dismissed'
            when 'deleted' then 'Deleted'
        end as status,
        case lower(trim(source.status))
            when 'arrived' then 'attended'
            when 'completed' then 'attended'
            when 'billed' then 'attended'
            when 'paid' then 'attended'
            when 'no show' then 'missed'
            when 'late cancel' then 'missed'
            when 'pending' then 'booked'
            when 'confirmed' then 'booked'
            when 'cancelled' then 'cancelled'
            when 'dismissed' then 'cancelled'
            when 'deleted' then 'deleted'
        end as status_class,

        ----------  service from the schedule_types seed
        trim(source.schedule_type_name) as schedule_type_name,
        coalesce(schedule_types.service, 'other') as service,
        schedule_types.service is not null as is_known_schedule_type

    from source
    left join schedule_types
        on lower(trim(source.schedule_type_name)) = lower(trim(schedule_types.schedule_type_name))

)

select * from renamed
