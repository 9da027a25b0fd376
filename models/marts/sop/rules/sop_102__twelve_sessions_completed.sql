-- SOP-102 12 sessions completed: group is Therapy and therapy_attended >= 12.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Therapy' as group_name,
        'Graduated' as expected_group,
        {{ txt('therapy_attended') }} || ' therapy sessions attended, last ' || {{ txt('last_therapy_attended_date') }} as detail
    from facts
    where in_therapy
        and therapy_attended >= 12

)

select * from hits
