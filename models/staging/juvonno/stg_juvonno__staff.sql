with

source as (

    select * from {{ source('juvonno', 'staff') }}

),

renamed as (

    select

        ----------  ids
        id as staff_id,
        num as staff_num,

        ----------  enums, casing normalised
        case lower(trim(staff_type))
            when 'therapist' then 'Therapist'
            when 'coordinator' then 'Coordinator'
            when 'administrator' then 'Administrator'
            when 'other' then 'Other'
        end as staff_type,
        lower(trim(status)) as status,

        ----------  personal data (pii: never leaves staging)
        first_name,
        last_name

    from source

)

select * from renamed
