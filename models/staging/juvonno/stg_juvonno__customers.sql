with

source as (

    select * from {{ source('juvonno', 'customers') }}

),

renamed as (

    select

        ----------  ids
        id as customer_id,
        chart_num,
        branch_code,

        ----------  enums, casing normalised
        lower(trim(gender)) as gender,
        lower(trim(status)) as status,
        coalesce(lower(trim(status)) = 'deleted', false) as is_deleted,

        ----------  dates (wall-clock date of the datetime as written)
        {{ wall_clock_date('created') }} as created_date,

        ----------  text
        warnings,

        ----------  personal data (pii: never leaves staging)
        first_name,
        last_name,
        email,
        phone,
        date_of_birth

    from source

)

select * from renamed
