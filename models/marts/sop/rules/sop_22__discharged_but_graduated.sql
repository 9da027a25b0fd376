-- SOP-22 Discharged but graduated: group is Discharged and (graduated_formally or
-- therapy_attended >= 12).

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Discharged' as group_name,
        'Graduated' as expected_group,
        'Discharged, ' || case when graduated_formally then 'formal graduation recorded' else {{ txt('therapy_attended') }} || ' therapy sessions attended' end as detail
    from facts
    where in_discharged
        and (graduated_formally or therapy_attended >= 12)

)

select * from hits
