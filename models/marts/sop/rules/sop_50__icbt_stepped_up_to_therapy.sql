-- SOP-50 iCBT patient stepped up to therapy: group is iCBT and therapy_offers >= 1.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'iCBT' as group_name,
        'Therapy' as expected_group,
        'iCBT with ' || {{ txt('therapy_offers') }} || ' therapy appointment(s) offered' as detail
    from facts
    where in_icbt
        and therapy_offers >= 1

)

select * from hits
