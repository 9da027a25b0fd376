-- SOP-23 Discharged but referred out: group is Discharged and referral_date is not NULL.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Discharged' as group_name,
        'Referred to External Services' as expected_group,
        'Discharged, external referral on ' || {{ txt('referral_date') }} as detail
    from facts
    where in_discharged
        and referral_date is not null

)

select * from hits
