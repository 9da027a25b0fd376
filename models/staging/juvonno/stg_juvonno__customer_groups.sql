with

source as (

    select * from {{ source('juvonno', 'customer_groups') }}

),

patient_groups as (

    select * from {{ ref('patient_groups') }}

),

renamed as (

    select

        ----------  ids
        source.customer_id,
        source.group_code,

        ----------  group, matched to the catalogue trimmed and case-insensitively
        coalesce(patient_groups.group_name, trim(source.group_name)) as group_name,
        trim(source.group_name) as group_name_as_written,
        patient_groups.group_name is not null as is_in_catalogue,
        coalesce(patient_groups.group_name = 'No Group', false) as is_no_group,
        patient_groups.sop_status,
        coalesce(patient_groups.must_be_empty, false) as must_be_empty,
        patient_groups.catalogue_order

    from source
    left join patient_groups
        on lower(trim(source.group_name)) = lower(patient_groups.group_name)

)

select * from renamed
