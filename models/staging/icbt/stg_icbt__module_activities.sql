with

source as (

    select * from {{ source('icbt', 'icbt_activity') }}

),

renamed as (

    select

        ----------  ids
        customer_id,
        trim(module_name) as module_name,

        ----------  dates (wall-clock date as written; offsets ignored)
        {{ wall_clock_date('started_at') }} as started_date,
        {{ wall_clock_date('completed_at') }} as completed_date,
        {{ wall_clock_date('last_activity_at') }} as last_activity_date

    from source

)

select * from renamed
