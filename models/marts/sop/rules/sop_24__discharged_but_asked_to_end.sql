-- SOP-24 Discharged but asked to end: group is Discharged and end_requested and began_treatment.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Discharged' as group_name,
        'Pt Requested End of Services' as expected_group,
        'Discharged, end-of-services request after treatment began' as detail
    from facts
    where in_discharged
        and end_requested
        and began_treatment

)

select * from hits
