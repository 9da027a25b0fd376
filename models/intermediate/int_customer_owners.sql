-- One row per customer with an appointment that names a clinician: who should act
-- on the customer's findings. The staff member of the most recent attended
-- appointment (on or before D); failing that, of the next booked one (on or
-- after D). Staff ids and roles only, never names. Ties on the date go to the
-- higher appointment id for the past, the lower one for the future.

with

appointments as (

    select
        appointment_id,
        customer_id,
        staff_id,
        start_date,
        status_class
    from {{ ref('stg_juvonno__appointments') }}
    where staff_id is not null
        and customer_id is not null

),

candidates as (

    select
        customer_id,
        staff_id,
        1 as preference,
        {{ days_between('start_date', as_of_date()) }} as distance,
        -appointment_id as tie_break
    from appointments
    where status_class = 'attended'
        and start_date <= {{ as_of_date() }}

    union all

    select
        customer_id,
        staff_id,
        2 as preference,
        {{ days_between(as_of_date(), 'start_date') }} as distance,
        appointment_id as tie_break
    from appointments
    where status_class = 'booked'
        and start_date >= {{ as_of_date() }}

),

-- the first candidate per customer (a window, or one aggregate on DuckDB: the macro)
owners as (

    {{ first_in_group('candidates', 'customer_id', ['preference', 'distance', 'tie_break'], ['staff_id']) }}

),

staff as (

    select
        staff_id,
        staff_type
    from {{ ref('stg_juvonno__staff') }}

),

final as (

    select
        owners.customer_id,
        owners.staff_id as owner_staff_id,
        staff.staff_type as owner_role
    from owners
    left join staff
        on owners.staff_id = staff.staff_id

)

select * from final
