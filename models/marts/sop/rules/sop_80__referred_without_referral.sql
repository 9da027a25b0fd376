-- SOP-80 Referred out without a referral record: group is Referred to External Services and
-- referral_date is NULL.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Referred to External Services' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'no External Referral recorded' as detail
    from facts
    where in_referred_to_external_services
        and referral_date is null

)

select * from hits
